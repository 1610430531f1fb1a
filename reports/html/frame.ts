// The parts every chart shares: the SVG element with its title, the y axis with grid lines and
// unit label, the x axis label and the legend. Leaves out the marks, which each chart draws.

import { formatNumber } from '../format.js';
import type { Scale } from './axes.js';
import { px } from './axes.js';
import { escapeXml } from './escape.js';

export const size = { width: 760, height: 270, left: 70, right: 20, top: 40, bottom: 46 } as const;
export const plot = { x0: size.left, x1: size.width - size.right, y0: size.height - size.bottom, y1: size.top } as const;

/** Colour-blind-safe (Okabe–Ito) colours, assigned to series in order. */
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

export function colour(i: number): string {
  return palette[i % palette.length]!;
}

export interface FrameSpec {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  /** Names coloured in palette order, or with the colour their marks were drawn in. */
  readonly legend: readonly (string | LegendEntry)[];
}

export interface LegendEntry {
  readonly name: string;
  readonly colour: string;
}

export function openSvg(spec: FrameSpec): string {
  const titleId = `${spec.id}-title`;
  return (
    `<svg class="chart" id="${escapeXml(spec.id)}" role="img" aria-labelledby="${escapeXml(titleId)}" ` +
    `viewBox="0 0 ${size.width} ${size.height}" width="${size.width}" height="${size.height}">` +
    `<title id="${escapeXml(titleId)}">${escapeXml(spec.title)}</title>` +
    `<text class="chart-title" x="${size.left}" y="18">${escapeXml(spec.title)}</text>` +
    legend(spec.legend)
  );
}

function legend(entries: readonly (string | LegendEntry)[]): string {
  let x = size.left;
  return entries
    .map((entry, i) => {
      const { name, colour: fill } = typeof entry === 'string' ? { name: entry, colour: colour(i) } : entry;
      const item =
        `<rect x="${px(x)}" y="26" width="12" height="4" fill="${fill}"/>` +
        `<text class="legend" x="${px(x + 16)}" y="32">${escapeXml(name)}</text>`;
      // Text width is estimated, not measured: measuring would need a browser at write time.
      x += 28 + name.length * 6.5;
      return item;
    })
    .join('');
}

export function yAxis(y: Scale, label: string): string {
  const lines = y.ticks
    .map((t) => {
      const at = px(y(t));
      return (
        `<line class="grid" x1="${plot.x0}" x2="${plot.x1}" y1="${at}" y2="${at}"/>` +
        `<text class="tick" x="${plot.x0 - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatNumber(t))}</text>`
      );
    })
    .join('');
  const mid = px((plot.y0 + plot.y1) / 2);
  return lines + `<text class="axis-label" transform="translate(16 ${mid}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`;
}

export function xAxisLabel(label: string): string {
  const mid = px((plot.x0 + plot.x1) / 2);
  return (
    `<line class="axis" x1="${plot.x0}" x2="${plot.x1}" y1="${plot.y0}" y2="${plot.y0}"/>` +
    `<text class="axis-label" x="${mid}" y="${size.height - 10}" text-anchor="middle">${escapeXml(label)}</text>`
  );
}
