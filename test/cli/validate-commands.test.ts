// The issue-2 CLI contracts end to end, in child processes: JSON fields, exit codes, and that user
// mistakes (bad flags, bad profile files) exit 2 naming the file or flag, with no stack trace.
import test from 'ava';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cli, stackFrame as noStack } from '../helpers/cli.js';

test('validate mm1 --json prints measured, exact and relError, and the seed first on stderr', async (t) => {
  const r = await cli('validate', 'mm1', '--lambda', '0.5', '--mu', '1', '--customers', '200000', '--seed', '7', '--json');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr.split('\n')[0], 'seed: 7');
  const doc = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
  t.deepEqual(Object.keys(doc.measured!), ['L', 'W', 'Wq']);
  t.deepEqual(Object.keys(doc.exact!), ['L', 'W', 'Wq']);
  t.is(doc.exact!.L, 1);
  t.true(Math.abs(doc.relError!.W!) < 0.05);
});

test('validate mmc adds Erlang C; --tolerance makes a miss exit 1', async (t) => {
  const ok = await cli('validate', 'mmc', '--lambda', '2', '--mu', '1', '--servers', '3', '--customers', '100000', '--json');
  t.is(ok.code, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout) as Record<string, Record<string, number>>;
  t.true(Math.abs(doc.exact!.erlangC! - 4 / 9) < 1e-12);
  t.true('erlangC' in doc.measured!);
  // 1000 customers cannot be within 0.01 % of the exact values: the check must fail with exit 1.
  const miss = await cli('validate', 'mmc', '--lambda', '2', '--mu', '1', '--servers', '3', '--customers', '1000', '--tolerance', '0.0001');
  t.is(miss.code, 1);
});

test('bad queue arguments exit 2 naming the flag, with no stack trace', async (t) => {
  for (const [words, flag] of [
    [['validate', 'mm1', '--lambda', '2', '--mu', '1'], '--lambda'],
    [['validate', 'mm1', '--lambda', 'x', '--mu', '1'], '--lambda'],
    [['validate', 'mmc', '--lambda', '1', '--mu', '1'], '--servers'],
    [['validate', 'mm1', '--lambda', '0.5', '--mu', '1', '--customers', '10'], '--customers'],
    [['validate', 'mm1', '--lambda', '0.5', '--mu', '1', '--speed', '3'], '--speed'],
  ] as const) {
    const r = await cli(...words);
    t.is(r.code, 2, words.join(' '));
    t.true(r.stderr.includes(flag), r.stderr);
    t.notRegex(r.stderr, noStack);
  }
});

test('validate device --json prints iops, bandwidth and latency percentiles', async (t) => {
  const r = await cli('validate', 'device', '--profile', 'nvme-980', '--workload', 'randread', '--block-bytes', '4096', '--queue-depth', '1', '--ios', '5000', '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { iops: number; bandwidthBytesPerS: number; latencyUs: { p50: number; p99: number } };
  t.true(Math.abs(doc.iops - 17_000) / 17_000 < 0.05, `QD1 IOPS ${doc.iops}`);
  t.is(Math.round(doc.bandwidthBytesPerS), Math.round(doc.iops * 4096));
  t.true(doc.latencyUs.p50 > 0 && doc.latencyUs.p99 >= doc.latencyUs.p50);
});

test('a bad profile file exits 2 naming the file and the field, with no stack trace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zos-profiles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync('hardware-profiles', dir, { recursive: true });
  const file = join(dir, 'nvme-980.json');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  profile.seqReadBytesPerS = -1;
  writeFileSync(file, JSON.stringify(profile));
  const r = await cli('validate', 'device', '--profile', 'nvme-980', '--workload', 'randread', '--block-bytes', '4096', '--queue-depth', '1', '--profiles', dir);
  t.is(r.code, 2);
  t.true(r.stderr.includes('nvme-980.json') && r.stderr.includes('seqReadBytesPerS'), r.stderr);
  t.notRegex(r.stderr, noStack);
  writeFileSync(file, '{ "kind": "ssd", ');
  const broken = await cli('validate', 'device', '--profile', 'nvme-980', '--workload', 'randread', '--block-bytes', '4096', '--queue-depth', '1', '--profiles', dir);
  t.is(broken.code, 2);
  t.true(broken.stderr.includes('nvme-980.json'), broken.stderr);
  t.notRegex(broken.stderr, noStack);
});
