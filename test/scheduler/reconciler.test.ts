// The reconciler in virtual time: a short outage does nothing, a long one moves deployments once
// (create, then delete of the old contract), with rate limits, backoff, hold-down and determinism.

import test from 'ava';
import { CapacityIndex } from '../../scheduler/placement/capacity-index.js';
import type { NodeCapacityRecord } from '../../scheduler/placement/capacity-record.js';
import { Reconciler } from '../../scheduler/reconciler/reconciler.js';
import type { ReconcilerOptions } from '../../scheduler/reconciler/reconciler-types.js';
import type { Deployment, Operation } from '../../workers/operations.js';

const GiB = 2 ** 30;

function rec(node: number): NodeCapacityRecord {
  return { node, farm: node, up: true, cru: 8, usedVcpus: 0, freeMruBytes: 32 * GiB, ssdFreeBytes: [500 * GiB], hddFreeBytes: [1000 * GiB], freeIpv4: 0 };
}

function vm(twin: number): Deployment {
  return {
    version: 2, twin_id: twin, contract_id: 0, metadata: '', description: '',
    workloads: [{ version: 1, name: 'vm', type: 'zmachine', metadata: '', description: '', data: { size: 0, compute_capacity: { cpu: 1, memory: 2 * GiB } } } as never],
  };
}

function setup(contracts: number[], options: ReconcilerOptions = {}, submitImpl?: (op: Operation) => void) {
  const ops: Operation[] = [];
  const index = new CapacityIndex([1, 2, 3].map(rec));
  const r = new Reconciler((op) => {
    submitImpl?.(op);
    ops.push(op);
  }, index, options);
  for (const n of [1, 2, 3]) r.observe({ kind: 'node', node: n, up: true, sinceS: 0 });
  for (const c of contracts) r.observe({ kind: 'deployment', contractId: c, node: 1, deployment: vm(c) });
  return { r, ops, index };
}

test('a node down 10 minutes and back triggers nothing', (t) => {
  const { r, ops } = setup([10]);
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 100 });
  for (let s = 100; s <= 700; s += 60) r.tick(s);
  r.observe({ kind: 'node', node: 1, up: true, sinceS: 700 });
  for (let s = 700; s <= 5000; s += 60) r.tick(s);
  t.deepEqual(ops, []);
  t.deepEqual(r.auditLog, []);
});

test('a node down 20 minutes: one create elsewhere, then the old contract is deleted, all audited', (t) => {
  const { r, ops, index } = setup([10]);
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  for (let s = 0; s < 900; s += 60) r.tick(s);
  t.deepEqual(ops, []);
  r.tick(900);
  r.tick(960);
  t.is(ops.length, 1, 'submitted once, not once per tick');
  const create = ops[0]!;
  t.is(create.kind, 'deployment.create');
  if (create.kind !== 'deployment.create') return;
  t.not(create.node, 1);
  t.is(create.deployment.version, 0);
  t.true(create.deployment.workloads.every((w) => w.version === 0));
  t.is(index.record(create.node!)!.freeMruBytes, 30 * GiB, 'the new node holds the reservation');
  r.onResult(create.id!, { state: 'ok', value: { contractId: 99 } }, 1000);
  t.deepEqual(ops[1], { kind: 'deployment.delete', id: 'reconciler-2', contractId: 10, idempotencyKey: 'heal-delete:10' });
  r.onResult(ops[1]!.id!, { state: 'ok' }, 1010);
  // A late observation of the old contract does not bring it back, and nothing more happens.
  r.observe({ kind: 'deployment', contractId: 10, node: 1, deployment: vm(10) });
  for (let s = 1020; s < 3000; s += 60) r.tick(s);
  t.is(ops.length, 2);
  t.deepEqual(r.auditLog.map((e) => [e.atS, e.reason, e.contractId]), [
    [900, 'node-lost', undefined],
    [900, 'replace', 10],
    [1000, 'replaced', 10],
    [1010, 'delete-done', 10],
  ]);
  t.deepEqual(r.auditLog[1]!.ops, [create]);
});

test('rate limit: at most N re-placements per interval', (t) => {
  const { r, ops } = setup([1, 2, 3, 4, 5], { maxActionsPerInterval: 2, rateIntervalS: 60 });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  t.is(ops.length, 2);
  r.tick(930);
  t.is(ops.length, 2, 'the window is still full');
  r.tick(960);
  t.is(ops.length, 4);
  r.tick(1020);
  t.is(ops.length, 5);
  t.deepEqual(ops.map((o) => (o.kind === 'deployment.create' ? o.deployment.twin_id : 0)), [1, 2, 3, 4, 5], 'in contract order');
});

test('backoff: a failed attempt waits base·2^(n−1) before the next', (t) => {
  const { r, ops } = setup([10], { backoffBaseS: 60, backoffMaxS: 1000 });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  r.onResult(ops[0]!.id!, { state: 'failed', error: { code: 'X', message: 'boom' } }, 900);
  r.tick(959);
  t.is(ops.length, 1);
  r.tick(960);
  t.is(ops.length, 2);
  r.onResult(ops[1]!.id!, { state: 'failed' }, 960);
  r.tick(1079);
  t.is(ops.length, 2);
  r.tick(1080);
  t.is(ops.length, 3);
  t.deepEqual(r.auditLog.filter((e) => e.reason === 'create-failed').map((e) => e.detail), ['boom; retry after 60 s', 'create failed; retry after 120 s']);
});

test('a create that failed after its contract existed has that copy deleted', (t) => {
  const { r, ops } = setup([10]);
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  r.onResult(ops[0]!.id!, { state: 'failed', value: { contractId: 55 }, error: { code: 'W', message: 'vm error' } }, 905);
  t.deepEqual(ops[1], { kind: 'deployment.delete', id: 'reconciler-2', contractId: 55, idempotencyKey: 'heal-delete:55' });
  t.deepEqual(r.auditLog.slice(-2).map((e) => e.reason), ['create-failed', 'cleanup']);
});

test('no capacity and a throwing submit both count as failed attempts', (t) => {
  let fail = true;
  const { r, ops } = setup([10], {}, (op) => {
    if (fail && op.kind === 'deployment.create') throw new Error('queue down');
  });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  t.is(r.auditLog.at(-1)!.reason, 'submit-failed');
  fail = false;
  r.tick(930);
  t.is(ops.length, 0);
  r.tick(960);
  t.is(ops.length, 1);
});

test('hold-down: a moved deployment is not moved again until the hold-down ends', (t) => {
  const { r, ops } = setup([10], { holdDownS: 3600 });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  const create = ops[0]!;
  const target = create.kind === 'deployment.create' ? create.node! : -1;
  r.onResult(create.id!, { state: 'ok', value: { contractId: 99 } }, 900);
  r.observe({ kind: 'deployment', contractId: 99, node: target, deployment: vm(10) });
  // Its new node flaps too, at once and for long.
  r.observe({ kind: 'node', node: target, up: false, sinceS: 1000 });
  for (let s = 1000; s < 4500; s += 60) r.tick(s);
  t.is(ops.filter((o) => o.kind === 'deployment.create').length, 1, 'held down');
  r.tick(4500);
  t.is(ops.filter((o) => o.kind === 'deployment.create').length, 2, 'moves again once the hold-down is over');
});

test('a lost node with zdb backends asks the qsfs that used them for a zstor check', (t) => {
  const { r, ops } = setup([]);
  const zdb: Deployment = { ...vm(5), workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: GiB, mode: 'seq', password: 'x', public: false } } as never] };
  const qsfs: Deployment = {
    ...vm(5),
    workloads: [{ version: 0, name: 'fs', type: 'qsfs', metadata: '', description: '', data: { cache: GiB, config: { groups: [{ backends: [{ address: 'a', namespace: '5-20-db', password: 'x' }] }] } } } as never],
  };
  r.observe({ kind: 'deployment', contractId: 20, node: 1, deployment: zdb });
  r.observe({ kind: 'deployment', contractId: 21, node: 2, deployment: qsfs });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(900);
  r.tick(960);
  t.deepEqual(ops.filter((o) => o.kind === 'zstor.check'), [{ kind: 'zstor.check', qsfs: '5-21-fs', path: '/', id: 'reconciler-1' }]);
  t.is(r.auditLog[0]!.reason, 'zstor-repair');
});

test('deterministic: the same inputs give the same operations and audit log', (t) => {
  const run = () => {
    const { r, ops } = setup([3, 1, 2], { maxActionsPerInterval: 2 });
    r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
    r.observe({ kind: 'node', node: 2, up: false, sinceS: 500 });
    for (let s = 0; s < 3000; s += 45) {
      r.tick(s);
      for (const op of ops) if (op.id !== undefined && op.kind === 'deployment.create') r.onResult(op.id, { state: 'ok', value: { contractId: 100 + Number(op.id.split('-')[1]) } }, s);
    }
    return JSON.stringify([ops, r.auditLog]);
  };
  t.is(run(), run());
});

test('a deployment whose workloads are all deleted is not moved', (t) => {
  const { r, ops } = setup([]);
  r.observe({ kind: 'deployment', contractId: 7, node: 1, deployment: vm(7), workloads: [{ name: 'vm', type: 'zmachine', state: 'deleted' }] });
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 0 });
  r.tick(2000);
  t.deepEqual(ops, []);
  t.deepEqual(r.auditLog.map((e) => e.reason), ['node-lost']);
});

test('quietUntilS: ticks before it add nothing; the first tick at it acts (the node is lost, its deployment moves)', (t) => {
  const { r, ops } = setup([10]);
  t.is(r.quietUntilS(), Infinity, 'nothing down: nothing to do until something is observed');
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 100 });
  t.is(r.quietUntilS(), 1000, 'the down threshold (900 s) after the node went down');
  for (let s = 120; s < 1000; s += 60) t.deepEqual(r.tick(s), []);
  t.deepEqual(ops, []);
  t.deepEqual(r.tick(1000).map((e) => e.reason), ['node-lost', 'replace']);
  t.is(r.quietUntilS(), Infinity, 'the move is in flight: no tick has more to do until its result');
});

test('quietUntilS counts a down node without deployments (its loss is audited once) and is the past once a Z-Net is known', (t) => {
  const { r } = setup([]);
  r.observe({ kind: 'node', node: 2, up: false, sinceS: 50 });
  t.is(r.quietUntilS(), 950);
  t.deepEqual(r.tick(900), []);
  t.deepEqual(r.tick(960).map((e) => e.reason), ['node-lost']);
  t.is(r.quietUntilS(), Infinity);
  r.observe({ kind: 'znet', network: 'n', accessNode: 3, members: [3], staleMembers: [] });
  t.is(r.quietUntilS(), -Infinity, 'Z-Net re-applies follow each observation: no tick is skipped');
});
