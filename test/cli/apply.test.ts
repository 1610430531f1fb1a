// `apply FILE` as a user runs it: the JSON it prints, the seed line first on stderr, replay by seed,
// and exit 2 naming the file and the field for bad files, bad operations and bad flags.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot, stackFrame } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'apply-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const faults = join(repoRoot, 'scenarios', 'ops', 'faults.json');

test('--json prints the state hash and each operation with its state and error; the seed comes first on stderr', async (t) => {
  const { code, stdout, stderr } = await cli('apply', faults, '--transport', 'inprocess', '--seed', '7', '--grid', 'small', '--json');
  t.is(code, 0, stderr);
  t.true(stderr.startsWith('seed: 7\n'));
  const report = JSON.parse(stdout) as { stateHash: string; ops: { id: string; state: string; error: { code: string } | null }[] };
  t.deepEqual(Object.keys(report), ['stateHash', 'ops']);
  t.regex(report.stateHash, /^[0-9a-f]{64}$/);
  t.deepEqual(Object.keys(report.ops[0]!), ['id', 'state', 'error']);
  t.is(report.ops.length, 13);
  const hubFetch = report.ops.find((op) => op.id === 'fetch-hub-down');
  t.is(hubFetch?.state, 'failed');
  t.is(typeof hubFetch?.error?.code, 'string');
  t.true(report.ops.filter((op) => op.id !== 'fetch-hub-down').every((op) => op.state === 'completed' && op.error === null));
});

test('the same file and seed print the same state hash; another seed another', async (t) => {
  const run = async (seed: string) => JSON.parse((await cli('apply', faults, '--seed', seed, '--json')).stdout).stateHash as string;
  const [a, b, c] = await Promise.all([run('7'), run('7'), run('8')]);
  t.is(a, b);
  t.not(a, c);
});

test('without --json it prints one line per operation and the hash', async (t) => {
  const ops = file('two.json', JSON.stringify([{ kind: 'hub.down', id: 'down' }, { kind: 'hub.up', id: 'up', delayS: 5 }]));
  const { code, stdout } = await cli('apply', ops, '--seed', '1');
  t.is(code, 0);
  t.regex(stdout, /^down\s+completed\n/m);
  t.regex(stdout, /^2 operations, 0 failed; state hash [0-9a-f]{64}$/m);
});

const badInput: Array<[string, () => string[], RegExp]> = [
  ['a missing file', () => [join(dir, 'absent.json')], /absent\.json: cannot read the file/],
  ['a file that is not JSON', () => [file('broken.json', '[{"kind":')], /broken\.json: not valid JSON/],
  ['a file that is not a list', () => [file('object.json', '{"kind":"hub.up"}')], /object\.json: .*must be a JSON array/],
  ['an operation with a bad field', () => [file('bad-op.json', JSON.stringify([{ kind: 'hub.up' }, { kind: 'node.crash', node: -3 }]))], /bad-op\.json: field ops\[1\]\.node: /],
  ['an unknown kind', () => [file('bad-kind.json', JSON.stringify([{ kind: 'node.explode', node: 1 }]))], /bad-kind\.json: field ops\[0\]\.kind: /],
  ['an unknown grid', () => [faults, '--grid', 'galaxy'], /field --grid: no grid named 'galaxy' \(valid: small, farm100\)/],
  ['an unknown transport', () => [faults, '--transport', 'pigeon'], /field --transport: must be one of inprocess, bullmq/],
];

for (const [what, argv, message] of badInput) {
  test(`${what} exits 2 naming the file and field, after the seed line and without a stack trace`, async (t) => {
    const { code, stdout, stderr } = await cli('apply', ...argv(), '--seed', '3', '--json');
    t.is(code, 2, stderr);
    t.is(stdout, '');
    t.true(stderr.startsWith('seed: 3\n'));
    t.regex(stderr, message);
    t.notRegex(stderr, stackFrame);
  });
}

test('--transport bullmq (a private redis-server) prints the same state hash as inprocess', async (t) => {
  const run = async (transport: string) => {
    const { code, stdout, stderr } = await cli('apply', faults, '--transport', transport, '--seed', '5', '--json');
    t.is(code, 0, stderr);
    return JSON.parse(stdout) as unknown;
  };
  t.deepEqual(await run('bullmq'), await run('inprocess'));
});

test('--redis with --transport inprocess is bad input', async (t) => {
  const { code, stderr } = await cli('apply', faults, '--redis', 'redis://127.0.0.1:6379', '--seed', '1');
  t.is(code, 2);
  t.regex(stderr, /field --redis: only applies to --transport bullmq/);
});

const healed = join(repoRoot, 'scenarios', 'ops', 'node-loss-healed.json');

test('--reconcile: node-loss-healed.json heals, and the report adds the audit log', async (t) => {
  const { code, stdout, stderr } = await cli('apply', healed, '--reconcile', '--seed', '1', '--json');
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout) as { stateHash: string; ops: { id: string; state: string }[]; audit: { atS: number; reason: string; contractId: number | null; node: number | null; detail: string }[] };
  t.deepEqual(Object.keys(report), ['stateHash', 'ops', 'audit']);
  t.deepEqual(report.ops.map((op) => op.id), ['vm-on-1', 'db-on-1', 'vm-placed', 'crash-1', 'reconciler-1', 'reconciler-2', 'reconciler-3', 'reconciler-4']);
  t.true(report.ops.every((op) => op.state === 'completed'));
  t.deepEqual(Object.keys(report.audit[0]!), ['atS', 'reason', 'contractId', 'node', 'detail']);
  t.deepEqual(report.audit.filter((e) => e.reason === 'replaced').map((e) => e.contractId).sort(), [1, 3]);
  t.true(report.audit.filter((e) => e.reason === 'replaced').every((e) => e.node !== 1));
});

test('without --reconcile the same file places vm-placed, the node stays lost and the report is unchanged in shape', async (t) => {
  const { code, stdout, stderr } = await cli('apply', healed, '--seed', '1', '--json');
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout) as { ops: { id: string; state: string }[] };
  t.deepEqual(Object.keys(report), ['stateHash', 'ops']);
  t.deepEqual(report.ops.map((op) => [op.id, op.state]), [['vm-on-1', 'completed'], ['db-on-1', 'completed'], ['vm-placed', 'completed'], ['crash-1', 'completed']]);
});

test('a deployment.create without a node that fits nowhere is reported failed with E_CAPACITY', async (t) => {
  const huge = JSON.parse(readFileSync(healed, 'utf8')) as { id: string; deployment: { workloads: { type: string; data: { compute_capacity?: { memory: number } } }[] } }[];
  const op = huge.find((o) => o.id === 'vm-placed')!;
  op.deployment.workloads.find((w) => w.type === 'zmachine')!.data.compute_capacity!.memory = 2 ** 40;
  const ops = file('huge.json', JSON.stringify([op]));
  const { code, stdout, stderr } = await cli('apply', ops, '--seed', '1', '--json');
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout) as { ops: { id: string; state: string; error: { code: string; message: string } | null }[] };
  t.deepEqual(report.ops.map((o) => [o.id, o.state, o.error?.code]), [['vm-placed', 'failed', 'E_CAPACITY']]);
  t.regex(report.ops[0]!.error!.message, /no node fits/);
});

test('--reconcile without --json prints the audit lines before the summary', async (t) => {
  const { code, stdout } = await cli('apply', healed, '--reconcile', '--seed', '1');
  t.is(code, 0);
  t.regex(stdout, /^1020\.000 s {2}reconciler replace: node 1 lost; moving to node \d/m);
  t.regex(stdout, /^8 operations, 0 failed; state hash [0-9a-f]{64}$/m);
});
