// Bounded histories (keepFinished, as BullMQ's removeOnComplete: { count }): a Testbed keeps only the
// newest finished operations, yet its listeners hear every event; a removed job's idempotency key
// answers no more; the reconciler's audit log keeps its newest entries and counts all.

import test from 'ava';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { CapacityIndex } from '../../scheduler/placement/capacity-index.js';
import { Reconciler } from '../../scheduler/reconciler/reconciler.js';
import { JobBook } from '../../scheduler/transports/inprocess-book.js';
import type { Operation } from '../../workers/operations.js';
import { zdbDeployment } from '../helpers/sim-backend.js';

/** Placed by the Testbed: a node with room for the namespace. */
const create = (id: string): Operation => ({ kind: 'deployment.create', id, deployment: zdbDeployment([id]) });

for (const keepFinished of [2, undefined]) {
  test(`a Testbed with keepFinished ${keepFinished ?? 'unset'} keeps ${keepFinished ?? 'all'} of 5 finished operations and reports all 5`, async (t) => {
    const { testbed } = await openSimTestbed({ seed: 1, grid: 'small', ...(keepFinished === undefined ? {} : { keepFinished }) });
    const completed: string[] = [];
    testbed.on((e) => {
      if (e.kind === 'completed') completed.push(e.id);
    });
    const handles = [];
    for (let i = 0; i < 5; i++) handles.push(await testbed.submit(create(`d${i}`)));
    // Waited on before it finishes, the newest is answered whatever happens to the others.
    t.is((await testbed.wait(handles[4]!)).state, 'ok');
    await testbed.run();
    t.deepEqual([...completed].sort(), ['d0', 'd1', 'd2', 'd3', 'd4']);
    const state = await testbed.state();
    t.deepEqual(state.ops.map((op) => op.id).sort(), keepFinished === undefined ? ['d0', 'd1', 'd2', 'd3', 'd4'] : [...completed].slice(-2).sort());
    if (keepFinished === undefined) t.is((await testbed.wait(handles[0]!)).state, 'ok');
    else await t.throwsAsync(() => testbed.wait({ id: [...completed][0]! }), { message: /finished and was removed/ });
    await testbed.close();
  });
}

test("a job book keeping 1 finished job forgets a removed job's idempotency answer, and its id may be used again", (t) => {
  const book = new JobBook(1);
  const keyed: Operation = { kind: 'node.crash', id: 'a', node: 0, idempotencyKey: 'k' } as Operation;
  const { parent: a } = book.add(keyed);
  book.makeReady(a);
  book.take(1);
  book.settle(a, { state: 'ok' });
  const { parent: again } = book.add({ ...keyed, id: 'a2' });
  t.deepEqual(book.answerFor(again), { state: 'ok' });
  book.makeReady(again);
  book.take(1);
  // a2 is answered: it finishes, and a (the older) is removed with its key's answer.
  book.answer(again, { state: 'ok' });
  t.is(book.job('a'), undefined);
  t.not(book.job('a2'), undefined);
  const { parent: third } = book.add({ ...keyed, id: 'a' });
  t.is(book.answerFor(third), undefined);
  t.deepEqual(book.jobs.map((j) => j.id), ['a2', 'a']);
});

test('the audit log keeps its newest entries when the driver drops older ones, and counts every entry', (t) => {
  const r = new Reconciler(() => {}, new CapacityIndex(), { downThresholdS: 0 });
  for (let node = 0; node < 3000; node++) r.observe({ kind: 'node', node, up: false, sinceS: 0 });
  r.tick(60);
  t.is(r.auditCount, 3000);
  const last = r.auditEntry(2999);
  r.dropAuditBefore(2900);
  t.is(r.auditCount, 3000);
  t.is(r.auditLog.length, 100);
  t.is(r.auditEntry(2999), last);
  t.is(r.auditEntry(10), undefined);
  t.is(r.auditLog[0]!.detail, r.auditEntry(2900)!.detail);
  t.regex(r.auditLog[0]!.detail, /^node 2900 down/);
});
