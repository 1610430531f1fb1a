// report.html: well-formed, self-contained (nothing fetched at view time), titled with the seed and
// scenario, with every chart, escaped text and the same bytes for the same input.

import test from 'ava';
import { capacityPlan } from '../../reports/capacity.js';
import { reportHtml } from '../../reports/html/report-html.js';
import { escapeXml } from '../../reports/html/escape.js';
import { linearScale, niceStep } from '../../reports/html/axes.js';
import { fixtureRun } from '../helpers/reports-fixture.js';
import { checkHtml } from '../helpers/reports-html.js';
import { handRun } from '../helpers/reports-hand-run.js';

const chartIds = ['chart-utilisation', 'chart-nodes', 'chart-latency', 'chart-workloads', 'chart-storage', 'chart-repair', 'chart-op-latency', 'chart-op-count'];

function page(): string {
  const r = fixtureRun({ durationS: 3 * 86400 });
  return reportHtml(r, capacityPlan(r));
}

test('well-formed: balanced tags, quoted attributes, escaped text', (t) => {
  const check = checkHtml(page());
  t.deepEqual(check.problems, []);
  t.is(check.counts.get('svg'), chartIds.length);
  t.is(check.counts.get('html'), 1);
  t.true((check.counts.get('path') ?? 0) >= 10);
});

test('self-contained: no script, no external resource, no http outside text', (t) => {
  const html = page();
  for (const forbidden of ['<script', '<link', '<img', '<iframe', '@import', 'url(', 'src=', 'href=', '@font-face']) {
    t.false(html.includes(forbidden), forbidden);
  }
  const { attributes } = checkHtml(html);
  t.deepEqual(attributes.filter((a) => /https?:|\/\//.test(a)), []);
  // Any "http" left is in text only, which the page does not hold either.
  const withoutText = html.replace(/>[^<]*</g, '><');
  t.false(/http/i.test(withoutText));
});

test('the title names the scenario and seed, escaped; every chart has axis labels with units', (t) => {
  const html = page();
  const title = 'zos-testbed report — synthetic &lt;fixture&gt; &amp; co, seed fixture';
  t.true(html.includes(`<title>${title}</title>`));
  t.true(html.includes(`<h1>${title}</h1>`));
  for (const id of chartIds) t.true(html.includes(`id="${id}"`), id);
  for (const label of ['used (%)', 'nodes down (count)', 'latency (ms)', 'repair (GB)', 'operations (count)']) {
    t.true(html.includes(`>${escapeXml(label)}</text>`), label);
  }
  t.is(html.split('>simulated time (days), bucket start; buckets of 21600 s</text>').length - 1, 5);
  // The latency bands are drawn over bins (here one 6 h bucket each) and say so on their axis.
  t.is(html.split('>simulated time (days), bins of 6h</text>').length - 1, 1);
});

test('same input ⇒ the same bytes; a missing bucket value breaks the line instead of dropping to 0', (t) => {
  t.is(page(), page());
  const r = handRun();
  const html = reportHtml(r, capacityPlan(r));
  t.deepEqual(checkHtml(html).problems, []);
  // Latency exists in buckets 0 and 1 only: one stepped median path over two bins (4 points), nothing for bucket 2.
  const latency = html.slice(html.indexOf('id="chart-latency"'), html.indexOf('</svg>', html.indexOf('id="chart-latency"')));
  const p50 = latency.slice(latency.indexOf('data-series="p50"'));
  t.regex(p50, /^data-series="p50"><path d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3}"[^>]*\/><\/g>/);
  t.is(latency.split('<rect x=').length - 1, 3 + 2 * 2, 'three legend keys and two bins in each of the two bands');
});

test('axis ticks are nice round numbers', (t) => {
  t.is(niceStep(100, 5), 20);
  t.is(niceStep(0.7, 5), 0.2);
  t.deepEqual(linearScale(0, 0.7, 0, 100).ticks, [0, 0.2, 0.4, 0.6, 0.8]);
  t.deepEqual(linearScale(0, 100, 0, 100).ticks, [0, 20, 40, 60, 80, 100]);
});

test('only charts with data are drawn: a run without zstor has no zstor charts', (t) => {
  const r = fixtureRun({ durationS: 3 * 86400 });
  const quiet = { ...r, buckets: r.buckets.map((b) => ({ ...b, zstorObjectsDegradedMean: 0, zstorObjectsLost: 0, repairBytes: 0 })) };
  const html = reportHtml(quiet, capacityPlan(quiet));
  t.false(html.includes('id="chart-storage"'));
  t.false(html.includes('id="chart-repair"'));
  t.true(html.includes('id="chart-nodes"'));
  t.deepEqual(checkHtml(html).problems, []);
});

test('the headline box says which resource runs out first and how much more load fits, in words', (t) => {
  const r = fixtureRun({ durationS: 3 * 86400 });
  const plan = capacityPlan(r);
  const html = reportHtml(r, plan);
  const box = html.slice(html.indexOf('<div class="headline">'), html.indexOf('</div>'));
  t.regex(box, new RegExp(`Headroom: (CPU|memory|SSD|HDD) \\(${plan.headroom.binding}\\) runs out first`), box);
  t.regex(box, /the grid takes about [\d.]+× this load before placements fail/);
  t.true(html.indexOf('class="headline"') < html.indexOf('<svg'), 'at the top, before the charts');
});
