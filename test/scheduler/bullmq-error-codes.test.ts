// Error codes across the BullMQ wire: every error carries one truthful code from ErrorCode, a
// handler's failure keeps its own code end to end, a malformed job payload is E_BAD_INPUT, and a
// failure nobody classified (a plain Error in a worker) stops the owner's run as E_INTERNAL.
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { exitCodeFor, ExitCode } from '../../cli/exit-codes.js';
import { WaitTimeoutError } from '../../cli/wait-watch.js';
import { ErrorCode } from '../../sim/errors.js';
import { HubUnreachableError } from '../../sim/storage/flist/hub.js';
import { validateOperation, validateOperationList } from '../../scheduler/operations/validate.js';
import { openBullmqTransport, startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import { fromWireError, toWireError } from '../../scheduler/transports/bullmq/protocol.js';
import { InputError, InternalError, operationError, WorkerError, WorkerErrorCode } from '../../workers/errors.js';
import { runOperation } from '../../workers/handlers/index.js';
import { runOps, simBackendFor } from '../helpers/bullmq-runs.js';
import { repoRoot } from '../helpers/cli.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

test('a WorkerError carries its own code, never E_BAD_INPUT as a stand-in', (t) => {
  for (const code of Object.values(WorkerErrorCode)) t.is(new WorkerError(code, 'x').code, code);
  t.is(new WorkerError(ErrorCode.capacity, 'x').code, 'E_CAPACITY');
  t.is(exitCodeFor(new WorkerError(WorkerErrorCode.notFound, 'x')), ExitCode.badInput);
  t.is(exitCodeFor(new InternalError('x')), ExitCode.internal);
  t.is(exitCodeFor(new WaitTimeoutError('x')), ExitCode.checkFailed);
});

test('every operation code survives the wire both ways, with its retry advice', (t) => {
  const errors = [
    ...Object.values(WorkerErrorCode).map((code) => new WorkerError(code, `m ${code}`, code === WorkerErrorCode.nodeDown)),
    new WorkerError(ErrorCode.capacity, 'no room'),
    new InputError('job 7', 'op.kind', 'unknown'),
    new HubUnreachableError('hub', 'an flist'),
  ];
  for (const error of errors) {
    const before = operationError(error)!;
    for (const from of ['owner', 'worker'] as const) {
      const rebuilt = fromWireError(JSON.parse(JSON.stringify(toWireError(error))) as ReturnType<typeof toWireError>, from);
      t.is((rebuilt as WorkerError).code, error.code, `${error.code} from the ${from}`);
      t.deepEqual(operationError(rebuilt), before);
    }
  }
});

test('what no code is behind, or an unknown code read from Redis, becomes E_INTERNAL and stops the run', (t) => {
  const plain = fromWireError(toWireError(new Error('boom')), 'worker');
  t.true(plain instanceof InternalError);
  t.is((plain as InternalError).code, ErrorCode.internal);
  t.regex(plain.message, /^worker: boom$/);
  t.is(operationError(plain), undefined, 'a programmer error is not turned into a failed result');
  const forged = fromWireError({ message: 'x', operation: { code: 'E_MADE_UP', message: 'x', retryable: true } }, 'worker');
  t.is((forged as InternalError).code, ErrorCode.internal);
  t.regex(forged.message, /unknown error code "E_MADE_UP"/);
  t.is((fromWireError(null as never, 'owner') as InternalError).code, ErrorCode.internal);
});

/** Operations whose handlers fail with their own codes: not found, node down, device failed, workload failed. */
function failingOps() {
  const healed = JSON.parse(readFileSync(`${repoRoot}scenarios/ops/node-loss-healed.json`, 'utf8')) as Array<Record<string, unknown>>;
  const vm = healed.find((o) => o.id === 'vm-on-1')!;
  const huge = structuredClone(vm) as { id: string; node: number; deployment: { workloads: { type: string; data: { compute_capacity: { memory: number } } }[] } };
  huge.id = 'too-big';
  huge.node = 2;
  huge.deployment.workloads.find((w) => w.type === 'zmachine')!.data.compute_capacity.memory = 2 ** 40;
  return validateOperationList([
    huge,
    { kind: 'deployment.delete', id: 'no-such-contract', contractId: 999 },
    { kind: 'node.crash', id: 'crash-3', node: 3 },
    { ...structuredClone(vm), id: 'on-crashed', node: 3, attempts: 1, delayS: 1 },
    { kind: 'hub.down', id: 'hub-down', delayS: 2 },
    { kind: 'flist.fetch', id: 'fetch-down', node: 4, url: 'https://hub.grid.tf/tf-official-apps/base:latest.flist', attempts: 1, delayS: 3 },
  ], 'failing ops');
}

test('handler failures keep their codes end to end over BullMQ, through a worker on the Redis call channel', async (t) => {
  const ops = failingOps();
  const expected = await runOps(ops);
  const codes = expected.results.map((r) => r.error?.code ?? null);
  t.deepEqual(codes, ['E_WORKLOAD_FAILED', 'E_NOT_FOUND', null, 'E_NODE_DOWN', null, 'E_DEVICE_FAILED']);
  const queue = 'codes';
  // No `channel`: this worker calls the owner over Redis lists exactly as a worker process does.
  const worker = startJobWorker({ redisUrl: t.context.redis.url, queue, validate: validateOperation, run: runOperation });
  t.teardown(() => worker.close({ force: true }));
  await worker.ready();
  const report = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
  t.deepEqual(report.results, expected.results);
  t.is(report.stateHash, expected.stateHash);
});

test('a malformed operation in a job payload is reported to the owner as E_BAD_INPUT', async (t) => {
  const queue = 'malformed';
  const worker = startJobWorker({ redisUrl: t.context.redis.url, queue, validate: validateOperation, run: runOperation });
  t.teardown(() => worker.close({ force: true }));
  const raw = new Queue(queue, { connection: { host: '127.0.0.1', port: t.context.redis.port, maxRetriesPerRequest: null } });
  t.teardown(() => raw.close());
  const client = new Redis(t.context.redis.url, { maxRetriesPerRequest: null });
  t.teardown(() => client.disconnect());
  await raw.add('zdb.set', { run: 'r1', seq: 1, attempt: 1, nowS: 0, op: { kind: 'zdb.set', namespace: 7, key: 'k' } });
  // The completion report the worker sends the owner: nobody listens here, so it stays on the list.
  const text = await waitUntil('the completion report', () => client.lpop(`zt:{${queue}}:rpc`), { timeoutMs: 20_000, intervalMs: 50 });
  const report = JSON.parse(text!) as { method: string; args: [{ thrown: { operation: { code: string; message: string } } }] };
  t.is(report.method, '$done');
  t.is(report.args[0].thrown.operation.code, ErrorCode.badInput);
  t.regex(report.args[0].thrown.operation.message, /field namespace/);
});

test("a plain Error thrown by a worker's handler stops the owner's run as E_INTERNAL", async (t) => {
  const queue = 'bug';
  const worker = startJobWorker({
    redisUrl: t.context.redis.url, queue, validate: validateOperation,
    run: async () => {
      throw new TypeError('undefined is not a function');
    },
  });
  t.teardown(() => worker.close({ force: true }));
  await worker.ready();
  const sim = simBackendFor(1);
  const transport = await openBullmqTransport({ backend: sim, clock: sim.clock, redisUrl: t.context.redis.url, queue, localWorkers: 0 });
  t.teardown(() => transport.close());
  await transport.submit(validateOperation({ kind: 'hub.down', id: 'down' }, 'test'));
  const error = await t.throwsAsync(transport.drain());
  t.is((error as InternalError).code, ErrorCode.internal);
  t.regex(error!.message, /^worker: undefined is not a function$/);
});
