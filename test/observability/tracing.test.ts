// A trace of one deployment operation over BullMQ (in-memory exporter): the submit (BullMQ's
// producer span) with two children, BullMQ's consumer span and the handler, and one span per backend
// call under the handler, all in one trace; as many backend-call spans as calls reached the owner.
import anyTest, { type TestFn } from 'ava';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../cli/observability/tracing.js';
import { openWorkerObserver } from '../../cli/observability/worker-observer.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import { runOperation } from '../../workers/handlers/index.js';
import { countingBackend, opsFile, runOps } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const OWNER_OBSERVER_CALLS = new Set(['watchNodes']);
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

test.serial('one deployment.create: submit → (process, handler → each backend call), parented in one trace', async (t) => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ exporter });
  const observer = await openWorkerObserver({ level: 'error', format: 'text', write: () => {}, tracing });
  const queue = 'obs-trace';
  const jobs = startJobWorker({ redisUrl: t.context.redis.url, queue, validate: validateOperation, ...observer.hooks(runOperation) });
  try {
    await jobs.ready();
    const op = opsFile('deployments.json').find((o) => o.kind === 'deployment.create')!;
    const calls = new Map<string, number>();
    const report = await runOps([op], { wrap: (b) => countingBackend(b, calls), bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0, telemetry: tracing.telemetry } });
    t.is(report.results[0]!.state, 'ok');

    const spans = await waitUntil('the handler span', () => exporter.getFinishedSpans(), { until: (s) => s.some((x) => x.name === 'handler deployment.create') });
    t.log(spans.map((s) => `${s.name} (${SpanKind[s.kind]})`).join(', '));
    const handler = spans.find((s) => s.name === 'handler deployment.create')!;
    const submit = spans.find((s) => s.spanContext().spanId === parentOf(handler))!;
    t.truthy(submit, 'the handler is a child of the submit');
    t.is(submit.kind, SpanKind.PRODUCER);
    t.regex(submit.name, /^add obs-trace\.deployment\.create$/);
    const process = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    t.regex(process.name, /^process /);
    t.is(parentOf(process), submit.spanContext().spanId, 'BullMQ\'s consumer span is a child of the same submit');
    for (const s of [process, handler]) t.is(s.spanContext().traceId, submit.spanContext().traceId);

    // Every backend call the owner answered has its span, under the handler.
    const backend = spans.filter((s) => s.name.startsWith('backend '));
    // The owner's own observer calls (the Testbed's node watch) are not job calls and have no span.
    const jobCalls = [...calls].filter(([method]) => !OWNER_OBSERVER_CALLS.has(method));
    const owner = jobCalls.reduce((sum, [, n]) => sum + n, 0);
    t.true(owner >= 2, `the handler made several calls (${owner})`);
    t.is(backend.length, owner);
    t.deepEqual(backend.map((s) => s.name.slice('backend '.length)).sort(), jobCalls.flatMap(([m, n]) => Array<string>(n).fill(m)).sort());
    for (const s of backend) t.is(parentOf(s), handler.spanContext().spanId, s.name);
    t.is(handler.attributes['zos.operation.state'], 'ok');
    // BullMQ's parentless bookkeeping spans ('complete', stalled checks, 'close') start no trace of their own.
    const others = spans.filter((s) => s.spanContext().traceId !== submit.spanContext().traceId);
    t.deepEqual(others.map((s) => s.name), []);
  } finally {
    await jobs.close();
    await observer.close();
    await tracing.shutdown();
  }
});

test.serial('with --trace-sample 0 the owner starts no recorded trace, and the worker follows its decision', async (t) => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ exporter, sampleRatio: 0 });
  const observer = await openWorkerObserver({ level: 'error', format: 'text', write: () => {}, tracing });
  const queue = 'obs-trace-unsampled';
  const jobs = startJobWorker({ redisUrl: t.context.redis.url, queue, validate: validateOperation, ...observer.hooks(runOperation) });
  try {
    await jobs.ready();
    const op = opsFile('deployments.json').find((o) => o.kind === 'deployment.create')!;
    const report = await runOps([op], { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0, telemetry: tracing.telemetry } });
    t.is(report.results[0]!.state, 'ok');
    const names = exporter.getFinishedSpans().map((s) => s.name);
    t.false(names.some((n) => n.startsWith('handler ') || n.startsWith('backend ') || n.startsWith('add ') || n.startsWith('process ')), names.join(', '));
  } finally {
    await jobs.close();
    await observer.close();
    await tracing.shutdown();
  }
});
