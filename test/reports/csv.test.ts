// The CSV files: units in every header, exact bytes for the hand run, deterministic formatting,
// byte-identical output for the same input and a different one when an input changes.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacityPlan } from '../../reports/capacity.js';
import { nodesCsv, operationsCsv, summaryCsv, timeseriesCsv } from '../../reports/csv.js';
import { formatNumber } from '../../reports/format.js';
import { reportFiles, writeReports } from '../../reports/write-reports.js';
import { fixtureRun } from '../helpers/reports-fixture.js';
import { handRun } from '../helpers/reports-hand-run.js';

/** A unit, optionally followed by a statistic: the last word of every numeric header. */
const unitPattern = /(S|Ms|Bytes|Fraction|Count|Cores|PerTBYear|PerTB|TBYears|Multiplier)(Mean|Max|Peak|P\d+|Low95|High95|Upper95)?$/;
const textColumns = new Set(['nodeId', 'farm', 'template', 'finalState', 'kind', 'metric', 'value']);
const textMetrics = new Set(['scenario', 'seed', 'headroomBindingResourceName']);

function header(csv: string): string[] {
  return csv.slice(0, csv.indexOf('\n')).split(',');
}

test('every header and summary metric names its unit last', (t) => {
  const r = fixtureRun({ durationS: 86400 });
  const plan = capacityPlan(r);
  for (const csv of [timeseriesCsv(r), nodesCsv(r), operationsCsv(r), summaryCsv(r, plan)]) {
    for (const h of header(csv)) if (!textColumns.has(h)) t.regex(h, unitPattern, h);
  }
  const metrics = summaryCsv(r, plan).trim().split('\n').slice(1).map((line) => line.split(',')[0]!);
  for (const m of metrics) if (!textMetrics.has(m) && !m.endsWith('Name')) t.regex(m, unitPattern, m);
  t.true(header(timeseriesCsv(r)).includes('mruUsedFractionMean'));
  t.true(header(timeseriesCsv(r)).includes('vm-update.latencyMsP99'));
});

test('the hand run, byte for byte', (t) => {
  const r = handRun();
  const ts = timeseriesCsv(r).split('\n');
  t.is(ts[1], '0,100,0.4,0.2,0,0,0.6,0.3,0,0,9,1,2,5,1,2,2,4,3,6,0,5000000000,20,0,11000,20000,21000,20,0,11000,20000,21000,0,0,,,');
  t.is(ts[2], '100,200,0.5,0.25,0,0,0.6,0.3,0,0,9,1,2,5,1,0,1,2,3,6,3,1000000000,1,1,1000,1000,1000,0,0,,,,1,1,1000,1000,1000');
  t.is(ts[3], '200,250,0.4,0.2,0,0,0.4,0.2,0,0,10,0,0,5,0,0,2,2,0,0,0,0,0,0,,,,0,0,,,,0,0,,,');
  t.is(ts.length, 5, 'three buckets, a header and the final newline');
  t.is(
    operationsCsv(r),
    'kind,opsCount,opsErrorCount,errorFraction,latencyMsMean,latencyMsP50,latencyMsP95,latencyMsP99,latencyMsMax,waitMsMean,waitMsP50,waitMsP95,waitMsP99\n' +
      'a,20,0,0,11500,11000,20000,21000,21000,1000,1000,1000,1000\n' +
      'b,1,1,1,1000,1000,1000,1000,1000,500,500,500,500\n',
  );
  t.is(
    nodesCsv(r),
    'nodeId,farm,template,cruCores,mruBytes,sruBytes,hruBytes,firstSeenS,upS,downS,availabilityFraction,downEventsCount,finalState\n' +
      '1,f1,t,8,16,32,64,0,150,100,0.6,1,up\n' +
      'x,f2,,,,,,0,250,0,1,0,up\n',
  );
  const summary = summaryCsv(r, capacityPlan(r));
  for (const line of ['seed,7', 'simulatedS,250', 'nodeAvailabilityFraction,0.8', 'zstorNomdlBytesPerTB,1500', 'repairBytes,6000000000', 'custom-thing.eventsCount,1']) {
    t.true(summary.includes(`\n${line}\n`), line);
  }
});

test('text with commas and quotes is quoted by csv-stringify', (t) => {
  const r = handRun('load, "heavy"');
  t.true(summaryCsv(r, capacityPlan(r)).includes('\nscenario,"load, ""heavy"""\n'));
});

test('numbers are formatted the same way everywhere', (t) => {
  t.is(formatNumber(0.1 + 0.2), '0.3');
  t.is(formatNumber(-0), '0');
  t.is(formatNumber(NaN), '');
  t.is(formatNumber(Infinity), 'Infinity');
  t.is(formatNumber(1e-7 / 3), '3.333333333e-8');
  t.is(formatNumber(123456789012), '123456789012');
  t.is(formatNumber(2 / 3), '0.6666666667');
});

test('same input ⇒ byte-identical files; another seed ⇒ different timeseries', (t) => {
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'reports-csv-')));
  try {
    writeReports(fixtureRun({ seed: 's1', durationS: 3 * 86400 }), dirs[0]!);
    writeReports(fixtureRun({ seed: 's1', durationS: 3 * 86400 }), dirs[1]!);
    writeReports(fixtureRun({ seed: 's2', durationS: 3 * 86400 }), dirs[2]!);
    for (const name of reportFiles) t.true(readFileSync(join(dirs[0]!, name)).equals(readFileSync(join(dirs[1]!, name))), name);
    for (const name of ['timeseries.csv', 'summary.csv', 'report.html']) {
      t.false(readFileSync(join(dirs[0]!, name)).equals(readFileSync(join(dirs[2]!, name))), name);
    }
    // One changed input — a bucket width — changes the bytes too.
    writeReports(fixtureRun({ seed: 's1', durationS: 3 * 86400, bucketS: 3600 }), dirs[2]!);
    t.false(readFileSync(join(dirs[0]!, 'timeseries.csv')).equals(readFileSync(join(dirs[2]!, 'timeseries.csv'))));
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
