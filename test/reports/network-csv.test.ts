// Network columns in the reports: present (with units) only for runs that use the network, byte-identical
// for the same seed, bucketed by the sample's time, and drawn as a chart in report.html.
import test from 'ava';
import { capacityPlan } from '../../reports/capacity.js';
import { timeseriesCsv } from '../../reports/csv.js';
import { reportHtml } from '../../reports/html/report-html.js';
import { RunRecorder } from '../../reports/recorder.js';
import type { GridSample, NetworkSample, RunRecord } from '../../reports/types.js';
import { builtinScenario, compileBuiltin } from '../../scenarios/builtin/index.js';
import { runScenario } from '../../scenarios/runner.js';

const networkHeaders = [
  'planetaryProbesRoutedCount',
  'planetaryProbesDeliveredCount',
  'planetaryDeliveredFraction',
  'planetaryStretchMultiplierMean',
  'linksDownCountMax',
  'partitionsCountMax',
  'znetMembersCutOffCountMax',
  'gatewayRequestsCount',
  'gatewayOkFraction',
];
/** As test/reports/csv.test.ts: a unit, then optionally a statistic, ends every numeric header. */
const unitPattern = /(S|Ms|Bytes|Fraction|Count|Cores|PerTBYear|PerTB|TBYears|Multiplier)(Mean|Max|Peak|P\d+|Low95|High95|Upper95)?$/;

async function recorded(name: string, seed: number): Promise<RunRecord> {
  const scenario = compileBuiltin(builtinScenario(name)!);
  const recorder = new RunRecorder({ bucketS: 60, seed, scenario: scenario.name });
  const summary = await runScenario(scenario, { seed, observer: recorder });
  return recorder.finish(summary.simulatedSeconds);
}

const rows = (csv: string): Record<string, string>[] => {
  const [head, ...lines] = csv.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
};

test('a network run: network columns with units; the partition and its heal show in them', async (t) => {
  const csv = timeseriesCsv(await recorded('net-farm-partition-healed', 1));
  const header = csv.slice(0, csv.indexOf('\n')).split(',');
  for (const h of networkHeaders) t.true(header.includes(h), h);
  for (const h of networkHeaders) t.regex(h, unitPattern, h);
  const byStart = new Map(rows(csv).map((r) => [Number(r.bucketStartS), r]));
  t.is(byStart.get(120)!.partitionsCountMax, '0');
  t.is(byStart.get(120)!.planetaryDeliveredFraction, '1');
  t.is(byStart.get(120)!.planetaryProbesRoutedCount, '120', '20 pairs every 10 s');
  // Cut at 5 min, healed at 15 min: three site links down, one extra piece.
  t.is(byStart.get(420)!.partitionsCountMax, '1');
  t.is(byStart.get(420)!.linksDownCountMax, '3');
  t.true(Number(byStart.get(420)!.planetaryDeliveredFraction) < 0.8, byStart.get(420)!.planetaryDeliveredFraction);
  t.is(byStart.get(1080)!.partitionsCountMax, '0');
  t.is(byStart.get(1080)!.planetaryDeliveredFraction, '1');
  t.log(rows(csv).map((r) => `${r.bucketStartS}: ${r.planetaryDeliveredFraction} delivered, ${r.partitionsCountMax} partitions, stretch ${r.planetaryStretchMultiplierMean}`).join('\n'));
});

test('a network run: same seed gives byte-identical CSV, another seed a different one', async (t) => {
  for (const name of ['net-planetary-root-loss', 'net-bridge-link-cut', 'net-root-hot-spot', 'net-farm-partition-healed']) {
    const a = timeseriesCsv(await recorded(name, 5));
    t.is(timeseriesCsv(await recorded(name, 5)), a, name);
    t.not(timeseriesCsv(await recorded(name, 6)), a, name);
  }
});

test('a run without the network has no network columns and no network chart', async (t) => {
  const record = await recorded('hub-unreachable', 1);
  t.is(record.network, undefined);
  const csv = timeseriesCsv(record);
  for (const h of networkHeaders) t.false(csv.slice(0, csv.indexOf('\n')).includes(h), h);
  t.false(reportHtml(record, capacityPlan(record)).includes('chart-network'));
});

test('report.html of a network run has the delivery and faults charts', async (t) => {
  const record = await recorded('net-bridge-link-cut', 1);
  const html = reportHtml(record, capacityPlan(record));
  t.true(html.includes('chart-network-delivery'));
  t.true(html.includes('chart-network-faults'));
  t.regex(html, /data-series="probes delivered"/);
  t.deepEqual(record.network && { partitionsPeak: record.network.partitionsPeak, linksDownPeak: record.network.linksDownPeak }, { partitionsPeak: 1, linksDownPeak: 1 });
});

const grid: GridSample = {
  used: { cru: 0, mruBytes: 0, sruBytes: 0, hruBytes: 0 },
  total: { cru: 1, mruBytes: 1, sruBytes: 1, hruBytes: 1 },
  nodesUp: 1,
  nodesDown: 0,
  workloadsOk: 0,
  workloadsError: 0,
  queueDepth: 0,
  zstorObjectsDegraded: 0,
  zstorStoredBytes: 0,
};
const net = (routed: number, delivered: number, meanStretch: number, linksDown = 0): NetworkSample => ({
  linksDown,
  partitions: linksDown > 0 ? 1 : 0,
  znetMembersCutOff: 0,
  probesRouted: routed,
  probesDelivered: delivered,
  meanStretch,
  gatewayRequests: 0,
  gatewayOk: 0,
});

test('recorder: counters grow in the bucket up to the sample that saw them; a sample on a boundary counts in the bucket it closes', async (t) => {
  const r = new RunRecorder({ bucketS: 100, seed: 1, scenario: 'hand' });
  r.sample(0, { ...grid, net: net(0, 0, NaN) });
  r.sample(50, { ...grid, net: net(10, 10, 1) });
  r.sample(100, { ...grid, net: net(20, 15, 1.2, 2) }); // on the boundary: 10 routed, 5 delivered (stretch 1.6) in bucket 0
  r.sample(250, { ...grid, net: net(30, 25, 1.1) });
  const record = r.finish(300);
  const cells = record.buckets.map((b) => b.net!);
  t.deepEqual(cells.map((c) => [c.probesRouted, c.probesDelivered]), [[20, 15], [0, 0], [10, 10]]);
  t.is(cells[0]!.deliveredFraction, 0.75);
  t.true(Math.abs(cells[0]!.stretchMean - 1.2) < 1e-12);
  t.true(Number.isNaN(cells[1]!.deliveredFraction), 'nothing routed: not measured');
  t.true(Math.abs(cells[2]!.stretchMean - (25 * 1.1 - 15 * 1.2) / 10) < 1e-12);
  // The boundary sample's gauges belong to the bucket it opens, as every gauge's do.
  t.deepEqual(cells.map((c) => c.linksDownMax), [0, 2, 2]);
  t.deepEqual(record.network, { probesRouted: 30, probesDelivered: 25, deliveredFraction: 25 / 30, stretchMean: 1.1, linksDownPeak: 2, partitionsPeak: 1, gatewayRequests: 0, gatewayOkFraction: NaN });
});
