// The stylesheet every report page shares (report.html, plan.html): system fonts, a narrow column,
// tables with figures right-aligned, charts on white.

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
