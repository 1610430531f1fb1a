// The `validate stretch` CLI contract of issues 6 and 15 end to end, in child processes: the JSON fields in
// order, the seed first on stderr, determinism, and bad input exiting 2 with no stack trace.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cli, stackFrame } from '../helpers/cli.js';
import { topologyFile } from '../helpers/network-graphs.js';

const contract = ['nodes', 'edges', 'overlay', 'meanStretch', 'p99Stretch', 'maxStretch', 'meanLatencyStretch', 'deliveryRatio', 'meanRoutingEntries', 'maxRoutingEntries', 'roots'];

test('validate stretch --json on the AS graph: the contract fields first, 3 roots x 10,000 pairs delivered', async (t) => {
  const started = performance.now();
  const r = await cli('validate', 'stretch', '--topology', topologyFile('as/as20000102.txt'), '--pairs', '10000', '--roots', '3', '--seed', '1', '--json');
  const wallS = (performance.now() - started) / 1000;
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr.split('\n')[0], 'seed: 1');
  const doc = JSON.parse(r.stdout) as Record<string, number> & { roots: { p10: number; median: number; p90: number }; rootMeans: number[] };
  t.deepEqual(Object.keys(doc).slice(0, contract.length), contract);
  t.is(doc.nodes, 6474);
  t.is(doc.edges, 12_572);
  t.is(doc.deliveryRatio, 1);
  t.true(doc.meanStretch! >= 1 && doc.meanStretch! <= doc.p99Stretch! && doc.p99Stretch! <= doc.maxStretch!);
  t.true(doc.meanRoutingEntries! > 0);
  t.is(doc.overlay as unknown, 'yggdrasil');
  t.is(doc.rootMeans.length, 3);
  t.true(doc.roots.p10 <= doc.roots.median && doc.roots.median <= doc.roots.p90);
  t.true(doc.rootMeans.includes(doc.roots.median));
  t.true(doc.meanLatencyStretch === null, 'the AS graph has no coordinates');
  t.log(`wall ${wallS.toFixed(2)} s including process start; mean stretch ${doc.meanStretch}`);
});

test('validate stretch is deterministic for a seed, and the summary (no --json) names the figures', async (t) => {
  const args = ['validate', 'stretch', '--topology', topologyFile('zoo/Kdl.graphml'), '--pairs', '500', '--roots', '4', '--seed', 'abc'];
  // One at a time: the suite shares two cores.
  const a = await cli(...args, '--json');
  const b = await cli(...args, '--json');
  const human = await cli(...args);
  t.is(a.code, 0, a.stderr);
  t.is(a.stdout, b.stdout);
  t.not(JSON.parse(a.stdout).meanLatencyStretch, null);
  t.regex(human.stdout, /hop stretch +mean \d/);
  t.regex(human.stdout, /over roots +p10 \d/);
});

test('validate stretch --overlay mycelium on Kdl: the same contract fields, latency stretch within 1.05, all delivered', async (t) => {
  const r = await cli('validate', 'stretch', '--topology', topologyFile('zoo/Kdl.graphml'), '--overlay', 'mycelium', '--pairs', '500', '--seed', '1', '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown> & { meanLatencyStretch: number; deliveryRatio: number; roots: { median: number } };
  t.deepEqual(Object.keys(doc).slice(0, contract.length), contract);
  t.is(doc.overlay, 'mycelium');
  t.is(doc.deliveryRatio, 1);
  t.true(doc.meanLatencyStretch >= 1 && doc.meanLatencyStretch <= 1.05, String(doc.meanLatencyStretch));
  t.true(doc.roots.median >= 1);
});

test('bad input exits 2 naming the flag or the file and line, with no stack trace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zos-stretch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, '# edges\n0\t1\n1\ttwo\n');
  const kdl = topologyFile('zoo/Kdl.graphml');
  for (const [words, needle] of [
    [['validate', 'stretch', '--topology', kdl, '--pairs', '0'], '--pairs'],
    [['validate', 'stretch', '--topology', kdl, '--pairs', 'many'], '--pairs'],
    [['validate', 'stretch', '--topology', kdl, '--hops'], '--hops'],
    [['validate', 'stretch', '--pairs', '10'], '--topology'],
    [['validate', 'stretch', '--topology', join(dir, 'missing.graphml')], 'missing.graphml'],
    [['validate', 'stretch', '--topology', bad], `${bad}:3`],
    [['validate', 'stretch', '--topology', kdl, '--overlay', 'babel'], '--overlay'],
    [['validate', 'stretch', '--topology', kdl, '--parent-rule', 'shortest'], '--parent-rule'],
    [['validate', 'stretch', '--topology', kdl, '--roots', '0'], '--roots'],
  ] as const) {
    const r = await cli(...words);
    t.is(r.code, 2, words.join(' '));
    t.true(r.stderr.includes(needle), r.stderr);
    t.notRegex(r.stderr, stackFrame);
  }
});

test('validate stretch --reconvergence appends one recovery report per failure kind after the contract fields', async (t) => {
  const r = await cli('validate', 'stretch', '--topology', topologyFile('zoo/Abilene.graphml'), '--pairs', '200', '--roots', '2', '--reconvergence', '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { reconvergence: { kind: string; reconvergenceS: number; deliveryAfter: number }[] };
  t.deepEqual(Object.keys(doc).slice(0, contract.length), contract);
  t.deepEqual(doc.reconvergence.map((x) => x.kind), ['link', 'parent', 'root']);
  for (const x of doc.reconvergence) {
    t.is(x.deliveryAfter, 1);
    t.true(x.reconvergenceS >= 3);
  }
});
