// The owner's foresight of a job's first backend call: what it foresees (only a call made before the
// handler's first await), and that a worker asking for another call stops the run instead of going on
// from a state the in-process run would not have.
import anyTest, { type TestFn } from 'ava';
import { simBackendFor } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { foreseeFirstCall } from '../../scheduler/transports/bullmq/first-call.js';
import { openBullmqTransport, startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import type { Backend } from '../../workers/backend.js';
import { runOperation } from '../../workers/handlers/index.js';
import type { Operation, OperationResult } from '../../workers/operations.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const write: Operation = { kind: 'zdb.set', namespace: '50-1-db', key: 'k1', sizeBytes: 4096 };

test('a zdb write foresees its zdbSet with the arguments a worker sends, as JSON', (t) => {
  const call = foreseeFirstCall(runOperation, write, 12.5);
  t.is(call?.method, 'zdbSet');
  t.deepEqual(JSON.parse(call!.argsText), ['50-1-db', 'k1', { sizeBytes: 4096 }]);
});

test('nothing is foreseen from a handler that awaits something else first, calls twice at once, returns or throws', (t) => {
  const run = (body: (backend: Backend) => Promise<unknown>) => (_op: Operation, backend: Backend) => body(backend) as Promise<OperationResult>;
  t.is(foreseeFirstCall(run(async (b) => { await Promise.resolve(); return b.zdbGet('ns', 'k'); }), write, 0), undefined);
  t.is(foreseeFirstCall(run(async (b) => Promise.all([b.zdbGet('ns', 'a'), b.zdbGet('ns', 'b')])), write, 0), undefined);
  t.is(foreseeFirstCall(run(async () => ({ state: 'ok' })), write, 0), undefined);
  t.is(foreseeFirstCall(run(() => { throw new Error('sync'); }), write, 0), undefined);
  t.is(foreseeFirstCall(run(async () => { throw new Error('async'); }), write, 0), undefined);
  // The clock the handler reads is the dispatch time, as a worker reads it from the payload.
  const timed = foreseeFirstCall(run(async (b) => b.zdbGet('ns', `at-${b.nowS()}`)), write, 7);
  t.deepEqual(JSON.parse(timed!.argsText), ['ns', 'at-7']);
});

test('a worker whose first call is not the foreseen one stops the run, naming both calls', async (t) => {
  t.timeout(60_000);
  const sim = simBackendFor(1);
  const queue = 'foresight-mismatch';
  const transport = await openBullmqTransport({ backend: sim, clock: sim.clock, redisUrl: t.context.redis.url, queue, localWorkers: 0 });
  // A worker running other handler code than its owner: it writes another key.
  const worker = startJobWorker({
    redisUrl: t.context.redis.url, queue, validate: validateOperation,
    run: (op, backend) => backend.zdbSet((op as { namespace: string }).namespace, 'other', { sizeBytes: 1 }).then(() => ({ state: 'ok' })),
  });
  try {
    await worker.ready();
    const handle = await transport.submit(write);
    const outcome = await transport.wait(handle).then((result) => JSON.stringify(result), (error: Error) => error.message);
    t.regex(outcome, /first call zdbSet\(\["50-1-db","other",\{"sizeBytes":1\}\]\) is not the one its owner foresaw and applied, zdbSet\(\["50-1-db","k1",\{"sizeBytes":4096\}\]\)/);
    t.is(transport.stats().foreseenCalls, 1);
  } finally {
    await worker.close({ force: true });
    await transport.close();
  }
});
