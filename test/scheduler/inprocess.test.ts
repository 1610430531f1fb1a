// The in-process transport's semantics one by one (scheduler/transport.ts), on a bare simulation
// with a backend whose every call takes one virtual second and is logged with its time.
import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { InputError } from '../../sim/errors.js';
import { backendCalls } from '../../scheduler/transports/gated-backend.js';
import { InprocessTransport, type HandlerTable } from '../../scheduler/transports/inprocess.js';
import type { JobEvent } from '../../scheduler/transport.js';
import type { Backend } from '../../workers/backend.js';
import { WorkerError, WorkerErrorCode } from '../../workers/errors.js';
import { operationKinds, type Operation, type OperationResult } from '../../workers/operations.js';

type Body = (op: Operation, backend: Backend) => Promise<OperationResult>;

/** Each call (but zdbGet) waits one virtual second, then logs `time method firstArg`. */
function slowBackend(sim: Simulation, log: string[]): Backend {
  const backend: Record<string, unknown> = { nowS: () => sim.nowS };
  for (const method of backendCalls) {
    backend[method] = async (...args: unknown[]) => {
      // zdbGet answers at once, like a backend call that needs no virtual time.
      if (method !== 'zdbGet') await sim.timeout(1);
      log.push(`${sim.nowS} ${method} ${String(args[0])}`);
      return null;
    };
  }
  return backend as unknown as Backend;
}

/** By default every operation makes one backend call naming its id, and succeeds. */
const oneCall: Body = async (op, backend) => {
  await backend.zdbDel(op.id!, '');
  return { state: 'ok', value: op.id };
};

function harness(options: { body?: Body; concurrency?: number } = {}) {
  const sim = new Simulation();
  const log: string[] = [];
  const events: string[] = [];
  const handlers = Object.fromEntries(operationKinds.map((kind) => [kind, options.body ?? oneCall])) as unknown as HandlerTable;
  const transport = new InprocessTransport({ backend: slowBackend(sim, log), clock: sim, handlers, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }) });
  transport.onEvent((e: JobEvent) => events.push(`${e.atS} ${e.kind} ${e.id}#${e.attempt}`));
  return { sim, log, events, transport };
}

const hub = (id: string, extra: Partial<Operation> = {}): Operation => ({ kind: 'hub.up', id, ...extra }) as Operation;
const onNode = (id: string, node: number, extra: Partial<Operation> = {}): Operation => ({ kind: 'node.repair', id, node, ...extra }) as Operation;

test('attempts: a retryable failure is retried after 1 s, then 2 s; the third attempt succeeds', async (t) => {
  let calls = 0;
  const { transport, events } = harness({
    body: async (op, backend) => {
      await backend.zdbDel('x', '');
      return ++calls < 3 ? { state: 'failed', error: { code: 'E_NODE_DOWN', message: 'down', retryable: true } as OperationResult['error'] } : { state: 'ok' };
    },
  });
  const handle = await transport.submit(hub('a'));
  t.deepEqual(await transport.wait(handle), { state: 'ok' });
  // Each attempt takes 1 s; backoff is 1 s · 2^(attempt−1).
  t.deepEqual(events, ['0 queued a#0', '0 active a#1', '1 retrying a#1', '2 active a#2', '3 retrying a#2', '5 active a#3', '6 completed a#3']);
});

test('attempts: exhausted, not retryable, thrown worker errors, and programmer errors that stop the run', async (t) => {
  const { transport, events } = harness({
    body: async (op, backend) => {
      await backend.zdbDel('x', '');
      if (op.id === 'plain') return { state: 'failed', error: { code: 'E_NOT_FOUND', message: 'gone' } };
      if (op.id === 'thrown') throw new WorkerError(WorkerErrorCode.nodeDown, 'node 3 is off', true);
      return { state: 'failed', error: { code: 'E_NODE_DOWN', message: 'down', retryable: true } as OperationResult['error'] };
    },
  });
  const twice = await transport.submit(hub('twice', { attempts: 2 }));
  const plain = await transport.submit(hub('plain'));
  const thrown = await transport.submit(hub('thrown', { attempts: 2 }));
  await transport.drain();
  t.is((await transport.wait(twice)).error?.code, 'E_NODE_DOWN');
  t.deepEqual(await transport.wait(plain), { state: 'failed', error: { code: 'E_NOT_FOUND', message: 'gone' } });
  t.deepEqual(await transport.wait(thrown), { state: 'failed', error: { code: 'E_NODE_DOWN', message: 'node 3 is off' } });
  t.deepEqual(events.filter((e) => /failed/.test(e)), ['1 failed plain#1', '3 failed twice#2', '3 failed thrown#2']);

  const bug = harness({ body: async () => { throw new TypeError('handler bug'); } });
  await bug.transport.submit(hub('x'));
  await t.throwsAsync(bug.transport.drain(), { message: 'handler bug' });
});

test('priorities: lower first among jobs due together; with unlimited workers, their calls start in that order', async (t) => {
  const serial = harness({ concurrency: 1 });
  for (const [id, priority] of [['low', 9], ['none', undefined], ['high', 1], ['mid', 5]] as const) {
    await serial.transport.submit(hub(id, priority === undefined ? {} : { priority }));
  }
  await serial.transport.drain();
  t.deepEqual(serial.log, ['1 zdbDel none', '2 zdbDel high', '3 zdbDel mid', '4 zdbDel low']);

  const wide = harness();
  await wide.transport.submit(hub('low', { priority: 9 }));
  await wide.transport.submit(hub('high', { priority: 1 }));
  await wide.transport.drain();
  t.deepEqual(wide.log, ['1 zdbDel high', '1 zdbDel low']);
});

test('delays: a job becomes due after delayS of virtual time; ties keep submission order', async (t) => {
  const { transport, log, sim } = harness();
  await transport.submit(hub('five', { delayS: 5 }));
  await transport.submit(hub('now'));
  await transport.submit(hub('two', { delayS: 2 }));
  await transport.submit(hub('two-b', { delayS: 2 }));
  await transport.drain();
  t.deepEqual(log, ['1 zdbDel now', '3 zdbDel two', '3 zdbDel two-b', '6 zdbDel five']);
  t.is(sim.nowS, 6);
});

test('per-node FIFO: one job at a time per node, in submission order whatever the priority; other nodes run alongside', async (t) => {
  const { transport, log } = harness();
  await transport.submit(onNode('n1-a', 1, { priority: 9 }));
  await transport.submit(onNode('n1-b', 1, { priority: 1 }));
  await transport.submit(onNode('n2-a', 2));
  await transport.submit(onNode('n1-c', 1));
  await transport.drain();
  // n2-a (no priority) starts its call before n1-a (priority 9); node 1 keeps its own order.
  t.deepEqual(log, ['1 zdbDel n2-a', '1 zdbDel n1-a', '2 zdbDel n1-b', '3 zdbDel n1-c']);
});

test('per-node FIFO: a job backing off leaves its node to the next one until it is due again', async (t) => {
  let first = true;
  const { transport, log } = harness({
    body: async (op, backend) => {
      await backend.zdbDel(op.id!, '');
      if (op.id === 'flaky' && first) {
        first = false;
        return { state: 'failed', error: { code: 'E_NOT_READY', message: 'booting', retryable: true } as OperationResult['error'] };
      }
      return { state: 'ok' };
    },
  });
  await transport.submit(onNode('flaky', 1));
  await transport.submit(onNode('next', 1));
  await transport.drain();
  t.deepEqual(log, ['1 zdbDel flaky', '2 zdbDel next', '3 zdbDel flaky']);
});

test('flows: the parent runs once every child has completed; children run concurrently on their nodes', async (t) => {
  const { transport, log, events } = harness();
  const handle = await transport.submitFlow(hub('parent'), [onNode('c1', 1), onNode('c2', 2), onNode('c3', 1)]);
  t.deepEqual(await transport.wait(handle), { state: 'ok', value: 'parent' });
  t.deepEqual(log, ['1 zdbDel c1', '1 zdbDel c2', '2 zdbDel c3', '3 zdbDel parent']);
  t.deepEqual(events.slice(0, 4), ['0 queued parent#0', '0 queued c1#0', '0 queued c2#0', '0 queued c3#0']);
});

test('flows: a child that fails for good fails the parent, which never runs', async (t) => {
  const { transport, log } = harness({
    body: async (op, backend) => {
      await backend.zdbDel(op.id!, '');
      return op.id === 'bad' ? { state: 'failed', error: { code: 'E_NOT_FOUND', message: 'no such node' } } : { state: 'ok' };
    },
  });
  const handle = await transport.submitFlow(hub('parent'), [onNode('good', 1), onNode('bad', 2)]);
  const result = await transport.wait(handle);
  t.is(result.error?.code, 'E_CHILD_FAILED');
  t.regex(result.error?.message ?? '', /child bad failed \(E_NOT_FOUND: no such node\)/);
  await transport.drain();
  t.false(log.some((line) => line.endsWith('parent')));
});

test('idempotency: jobs sharing a key apply once, whether concurrent, retried or submitted later', async (t) => {
  let applied = 0;
  let failOnce = true;
  const { transport, events } = harness({
    body: async (_op, backend) => {
      await backend.zdbDel('x', '');
      if (failOnce) {
        failOnce = false;
        return { state: 'failed', error: { code: 'E_LINK_FAILED', message: 'cut', retryable: true } as OperationResult['error'] };
      }
      return { state: 'ok', value: ++applied };
    },
  });
  const a = await transport.submit(hub('a', { idempotencyKey: '7-1-web@0' }));
  const b = await transport.submit(hub('b', { idempotencyKey: '7-1-web@0' }));
  t.deepEqual(await transport.wait(b), { state: 'ok', value: 1 });
  t.deepEqual(await transport.wait(a), { state: 'ok', value: 1 });
  const later = await transport.submit(hub('later', { idempotencyKey: '7-1-web@0' }));
  t.deepEqual(await transport.wait(later), { state: 'ok', value: 1 });
  t.is(applied, 1);
  t.deepEqual(events.filter((e) => / (b|later)#/.test(e)), ['0 queued b#0', '3 completed b#0', '3 queued later#0', '3 completed later#0']);
});

test('submit validates before queueing: a bad operation or a reused id is an InputError and nothing runs', async (t) => {
  const { transport, log } = harness();
  const bad = await t.throwsAsync(transport.submit({ kind: 'node.repair', id: 'x', node: -1 } as Operation), { instanceOf: InputError });
  t.regex(bad.message, /node/);
  await transport.submit(hub('same'));
  await t.throwsAsync(transport.submitFlow(hub('p'), [hub('same')]), { instanceOf: InputError, message: /"same" is already used/ });
  await t.throwsAsync(transport.submitFlow(hub('p2'), [hub('c'), { kind: 'zdb.get' } as Operation]), { instanceOf: InputError });
  await transport.drain();
  t.deepEqual(log, ['1 zdbDel same']);
});

test('virtual time holds while a job thinks in real time between calls, even after a call that took no time', async (t) => {
  const { transport, sim } = harness({
    body: async (op, backend) => {
      if (op.id !== 'thinker') return { state: 'ok' };
      await backend.zdbGet('ns', 'k');
      // A worker in another process spends real time here; the event at 0.5 s must wait for it.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const thought = backend.nowS();
      await backend.zdbGet('ns', 'k');
      return { state: 'ok', value: thought };
    },
  });
  const job = await transport.submit(hub('thinker'));
  await transport.submit(hub('other', { delayS: 0.5 }));
  t.deepEqual(await transport.wait(job), { state: 'ok', value: 0 });
  await transport.drain();
  t.is(sim.nowS, 0.5);
});
