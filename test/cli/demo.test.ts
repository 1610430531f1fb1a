// The README's first command: `demo` runs a default scenario end to end, writes report.html and the
// CSV files, prints its seed first and the report's path last; `--hardware` keeps the device demo.

import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

test('demo writes report.html and the CSV files, printing the seed first and the report path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  const r = await cli('demo', '--out', dir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^seed: 1\n/);
  const html = join(dir, 'report.html');
  t.true(r.stdout.trimEnd().endsWith(`report: ${html}`), r.stdout);
  t.regex(r.stdout, /^farm-partition: 100 nodes/);
  for (const f of ['report.html', 'timeseries.csv', 'nodes.csv', 'operations.csv', 'summary.csv']) t.true(existsSync(join(dir, f)), f);
  t.regex(readFileSync(html, 'utf8'), /<svg/);
});

test('demo --json names report.html, and the same seed writes the same CSV bytes', async (t) => {
  const [a, b] = [mkdtempSync(join(tmpdir(), 'demo-a-')), mkdtempSync(join(tmpdir(), 'demo-b-'))];
  const ra = await cli('demo', '--seed', '7', '--out', a, '--json');
  const rb = await cli('demo', '--seed', '7', '--out', b, '--json');
  t.is(ra.code, 0, ra.stderr);
  const doc = JSON.parse(ra.stdout) as { seed: string; reportHtml: string; files: string[] };
  t.is(doc.seed, '7');
  t.is(doc.reportHtml, join(a, 'report.html'));
  t.is(rb.code, 0, rb.stderr);
  t.is(readFileSync(join(a, 'timeseries.csv'), 'utf8'), readFileSync(join(b, 'timeseries.csv'), 'utf8'));
});

test('demo --hardware still runs the device-level demo', async (t) => {
  const r = await cli('demo', '--hardware', '--nodes', '6', '--until', '600', '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { nodes: number; traceHash: string };
  t.is(doc.nodes, 6);
  t.regex(doc.traceHash, /^[0-9a-f]+$/);
});
