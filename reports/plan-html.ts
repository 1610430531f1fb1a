// plan.html: the frontier of a plan — nodes needed against demand, with the levels that found no
// grid within bounds marked apart — a headline in words, and one row per level with what binds.
// Same inputs, same bytes: nothing here reads the clock.

import type { PlanResult } from '../scenarios/plan.js';
import { formatNumber } from './format.js';
import { escapeXml } from './html/escape.js';
import { lineChart } from './html/line-chart.js';
import { pageOpen } from './html/page-style.js';

export function planHtml(result: PlanResult, title: string): string {
  const xs = result.frontier.map((f) => f.demand);
  const chart = lineChart({
    id: 'chart-frontier',
    title: 'Nodes needed to meet the SLO in every seed',
    yLabel: 'nodes (count)',
    xLabel: 'demand (× the scenario\'s workload)',
    xs,
    // A little room past the last level, so that its point is not drawn on the chart's edge.
    xDomain: [0, Math.max(...xs) * 1.04],
    series: [
      { name: 'smallest grid meeting the SLO', values: result.frontier.map((f) => (f.sloMet ? f.nodes : NaN)) },
      { name: 'no grid up to this many nodes passes', values: result.frontier.map((f) => (f.sloMet ? NaN : f.nodes)) },
    ],
  });
  const rows = result.frontier.map((f) => `<tr><td class="num">${escapeXml(formatNumber(f.demand))}×</td><td class="num">${f.sloMet ? escapeXml(formatNumber(f.nodes)) : `&gt; ${escapeXml(formatNumber(f.nodes))}`}</td><td>${escapeXml(f.binding)}</td></tr>`);
  return [
    ...pageOpen(title),
    `<div class="headline">${escapeXml(headline(result))}</div>`,
    chart,
    '<h2>Each demand level</h2>',
    `<table>\n<tr><th>demand</th><th>nodes</th><th>what binds</th></tr>\n${rows.join('\n')}\n</table>`,
    `<p class="note">${escapeXml(`${result.evaluatedRuns} runs instead of ${result.fullGridRuns} (every size × level × seed); seeds ${result.seeds.join(', ')}. A level passes when every seed meets the SLO; sizes from ${result.sizes.min} to ${result.sizes.max}.`)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The answer in one sentence: the largest demand met and with how many nodes, or where it stops. */
function headline(result: PlanResult): string {
  const met = result.frontier.filter((f) => f.sloMet);
  const failed = result.frontier.find((f) => !f.sloMet);
  const top = met[met.length - 1];
  const answered = top === undefined ? 'No demand level meets the SLO within bounds.' : `Up to ${formatNumber(top.demand)}× demand, ${formatNumber(top.nodes)} nodes meet the SLO.`;
  return failed === undefined ? `${answered} At the top level: ${top!.binding}.` : `${answered} At ${formatNumber(failed.demand)}× nothing up to ${formatNumber(failed.nodes)} nodes does: ${failed.binding}.`;
}
