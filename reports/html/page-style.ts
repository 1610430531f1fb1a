// The stylesheet every report page shares (report.html, plan.html): system fonts, a narrow column,
// tables with figures right-aligned, charts on white.

import { escapeXml } from './escape.js';

/** The head of a report page and its h1: the same title in both. */
export function pageOpen(title: string): string[] {
  return ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${escapeXml(title)}</title>`, `<style>${pageStyle}</style></head><body>`, `<h1>${escapeXml(title)}</h1>`];
}

export const pageStyle = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 800px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; } td, th { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td:first-child { white-space: nowrap; }
svg.chart { display: block; margin: 12px 0; background: #fff; }
.chart-title { font-size: 14px; font-weight: 600; } .legend, .tick { font-size: 11px; fill: #444; }
.axis-label { font-size: 12px; fill: #222; } .grid { stroke: #e4e4e4; } .axis { stroke: #888; }
.note { color: #555; font-size: 13px; }
.headline { border: 1px solid #ccc; background: #f7f7f7; padding: 10px 14px; margin: 16px 0; font-size: 14px; }
`;
