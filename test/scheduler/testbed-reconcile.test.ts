// The reconciler inside the Testbed, on the virtual clock: scenarios/ops/node-loss-healed.json heals
// (new contracts on other nodes, the old ones deleted, every action audited and listed as a job);
// a short outage moves nothing; run() ends once nothing is left to move; wait() still works.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSimTestbed, type SimTestbedOptions } from '../../scenarios/testbed.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import type { Deployment, Operation } from '../../workers/operations.js';
import { repoRoot } from '../helpers/cli.js';
import { fixedExample } from '../helpers/world.js';

const GiB = 2 ** 30;
const healFile = join(repoRoot, 'scenarios', 'ops', 'node-loss-healed.json');
const healOps = validateOperationList(JSON.parse(readFileSync(healFile, 'utf8')), healFile);

function vm(twin: number, memoryBytes = 2 * GiB): Deployment {
  const doc = structuredClone(fixedExample({ memoryBytes }));
  for (const request of doc.signature_requirement?.requests ?? []) (request as { twin_id: number }).twin_id = twin;
  return { ...doc, twin_id: twin };
}

async function apply(ops: readonly Operation[], options: Partial<SimTestbedOptions> = {}) {
  const opened = await openSimTestbed({ seed: 1, reconcile: true, ...options });
  for (const op of ops) await opened.testbed.submit(op);
  await opened.testbed.run();
  const state = await opened.testbed.state();
  await opened.testbed.close();
  return { ...opened, state };
}

test('node-loss-healed.json: node 1 stays down, its deployments run again elsewhere and the old contracts are deleted', async (t) => {
  const { world, state } = await apply(healOps);
  t.false(world.grid.isOn(1), 'node 1 is still down: healing did not need it back');
  const byId = Object.fromEntries(state.ops.map((op) => [op.id, op]));
  t.true(state.ops.every((op) => op.state === 'completed'), JSON.stringify(state.ops));
  // The reconciler's operations are jobs like any other: listed, with their outcomes.
  t.deepEqual(state.ops.filter((op) => op.id.startsWith('reconciler-')).map((op) => [op.id, op.kind]), [
    ['reconciler-1', 'deployment.create'], ['reconciler-2', 'deployment.create'], ['reconciler-3', 'deployment.delete'], ['reconciler-4', 'deployment.delete'],
  ]);
  t.is(byId['crash-1']!.atS, 120);
  // Node 1 went down at 120 s; the step at 1020 s is the first with it down for 900 s.
  t.true(state.ops.filter((op) => op.id.startsWith('reconciler-')).every((op) => op.atS >= 1020));
  const reasons = state.audit!.map((e) => [e.atS, e.reason, e.contractId]);
  t.deepEqual(reasons.slice(0, 3), [[1020, 'node-lost', undefined], [1020, 'replace', 1], [1020, 'replace', 3]]);
  t.deepEqual(state.audit!.filter((e) => e.reason === 'replaced').map((e) => e.contractId).sort(), [1, 3]);
  t.deepEqual(state.audit!.filter((e) => e.reason === 'delete-done').map((e) => e.contractId).sort(), [1, 3]);
  // Each old contract on node 1 is deleted; each copy is a new contract, ok, on another node.
  for (const old of [1, 3]) {
    t.is(world.chain.get(old)!.node, 1);
    t.is(world.chain.get(old)!.state, 'deleted');
    const replaced = state.audit!.find((e) => e.reason === 'replaced' && e.contractId === old)!;
    const copy = Number(/now contract (\d+)/.exec(replaced.detail)![1]);
    const contract = world.chain.get(copy)!;
    t.is(contract.state, 'created');
    t.not(contract.node, 1);
    t.is(contract.node, replaced.node!);
    const doc = world.provision.deployment(contract.node, copy)!;
    t.true(doc.workloads.every((w) => w.result?.state === 'ok'), JSON.stringify(doc.workloads.map((w) => [w.name, w.result?.state])));
  }
  t.is(state.nowS < 1100, true, 'run() ended soon after healing, not at some far horizon');
});

test('node-loss-healed.json replays: the same seed gives the same state hash, audit and operations', async (t) => {
  const [a, b] = [(await apply(healOps)).state, (await apply(healOps)).state];
  t.is(b.stateHash, a.stateHash);
  t.deepEqual(b.audit, a.audit);
  t.deepEqual(b.ops, a.ops);
});

test('without reconcile the same file ends when the crash is done and nothing moves', async (t) => {
  const { state, world } = await apply(healOps, { reconcile: false });
  t.is(state.audit, undefined);
  t.false(state.ops.some((op) => op.id.startsWith('reconciler-')));
  t.is(state.nowS, 120);
  t.is(world.chain.get(1)!.state, 'created');
});

test('a node down for less than the threshold is left alone; run() ends once it is back', async (t) => {
  const ops: Operation[] = [
    { kind: 'deployment.create', id: 'vm', node: 1, deployment: vm(40) },
    { kind: 'node.crash', id: 'crash', node: 1, delayS: 60 },
    { kind: 'node.repair', id: 'repair', node: 1, delayS: 600 },
  ];
  const { state } = await apply(ops);
  t.deepEqual(state.ops.map((op) => [op.id, op.state]), [['vm', 'completed'], ['crash', 'completed'], ['repair', 'completed']]);
  t.deepEqual(state.audit, []);
  t.is(state.nowS, 600);
});

test('nowhere to move: attempts back off, then the reconciler gives up and run() ends', async (t) => {
  // 220 GiB fits only on the three 256 GiB nodes; the other two are full, so node 1's VM cannot move.
  const ops: Operation[] = [0, 1, 2].map((node) => ({ kind: 'deployment.create', id: `vm-${node}`, node, deployment: vm(41 + node, 220 * GiB) }));
  ops.push({ kind: 'node.crash', id: 'crash', node: 1, delayS: 60 });
  const { state } = await apply(ops, { reconcile: { maxAttempts: 3, backoffBaseS: 60 } });
  t.deepEqual(state.audit!.map((e) => [e.atS, e.reason]), [
    [960, 'node-lost'], [960, 'no-capacity'], [1020, 'no-capacity'], [1140, 'no-capacity'], [1140, 'gave-up'],
  ]);
  t.false(state.ops.some((op) => op.id.startsWith('reconciler-')));
  t.is(state.nowS, 1140);
});

test('wait() works with the reconciler on, and a step run by wait() heals as run() would', async (t) => {
  const { testbed, world } = await openSimTestbed({ seed: 1, reconcile: { intervalS: 30, downThresholdS: 120 } });
  const created = await testbed.wait(await testbed.submit({ kind: 'deployment.create', id: 'vm', node: 1, deployment: vm(45) }));
  t.is(created.state, 'ok');
  await testbed.wait(await testbed.submit({ kind: 'node.crash', id: 'crash', node: 1 }));
  // A later job keeps the clock running past the threshold; the steps on the way move the VM.
  const later = await testbed.wait(await testbed.submit({ kind: 'hub.up', id: 'later', delayS: 400 }));
  t.is(later.state, 'ok');
  await testbed.run();
  const { ops, audit } = await testbed.state();
  t.deepEqual(ops.map((op) => [op.id, op.state]), [
    ['vm', 'completed'], ['crash', 'completed'], ['later', 'completed'], ['reconciler-1', 'completed'], ['reconciler-2', 'completed'],
  ].sort((a, b) => ops.findIndex((o) => o.id === a[0]) - ops.findIndex((o) => o.id === b[0])));
  t.is(audit!.find((e) => e.reason === 'replace')!.atS, 150);
  t.is(world.chain.get(1)!.state, 'deleted');
  await testbed.close();
});

test('reconcile needs a backend that observes its grid', async (t) => {
  const { Testbed } = await import('../../scheduler/testbed.js');
  const { backend } = await openSimTestbed({ seed: 1 });
  const bare = new Proxy(backend, { get: (target, p) => (p === 'nodeCapacities' ? undefined : Reflect.get(target, p)) });
  await t.throwsAsync(Testbed.open({ backend: bare, clock: backend.clock, seed: 1, reconcile: true }), { message: /GridObserver/ });
});

test('bad reconcile options are refused when the testbed opens', async (t) => {
  await t.throwsAsync(openSimTestbed({ seed: 1, reconcile: { intervalS: 0 } }), { message: /intervalS must be > 0/ });
  await t.throwsAsync(openSimTestbed({ seed: 1, reconcile: { maxAttempts: 0 } }), { message: /maxAttempts must be at least 1/ });
});

test('Reconciler.nextActionS: when a tick may next act, and undefined once nothing waits to move', async (t) => {
  const { Reconciler } = await import('../../scheduler/reconciler/reconciler.js');
  const { CapacityIndex } = await import('../../scheduler/placement/capacity-index.js');
  const record = (node: number) => ({ node, farm: node, up: true, cru: 8, usedVcpus: 0, freeMruBytes: 32 * GiB, ssdFreeBytes: [500 * GiB], hddFreeBytes: [], freeIpv4: 0 });
  const r = new Reconciler(() => {}, new CapacityIndex([record(1)]), { downThresholdS: 900, maxAttempts: 2, backoffBaseS: 60 });
  r.observe({ kind: 'deployment', contractId: 5, node: 1, deployment: vm(5) });
  r.observe({ kind: 'node', node: 1, up: true, sinceS: 0 });
  t.is(r.nextActionS(), undefined, 'its node is up');
  r.observe({ kind: 'node', node: 1, up: false, sinceS: 100 });
  t.is(r.nextActionS(), 1000);
  r.tick(1000); // nowhere to go: node 1 is the only node
  t.is(r.nextActionS(), 1060, 'after the backoff');
  r.tick(1060);
  t.is(r.nextActionS(), undefined, 'given up after maxAttempts');
  t.deepEqual(r.auditLog.map((e) => e.reason), ['node-lost', 'no-capacity', 'no-capacity', 'gave-up']);
});
