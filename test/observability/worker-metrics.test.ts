// A worker observed as `worker --metrics-port P --log-level info` observes itself: its /metrics parses
// as Prometheus text, its job counters equal the operations the owner reports, and it logs one line per job.
import anyTest, { type TestFn } from 'ava';
import { openWorkerObserver } from '../../cli/observability/worker-observer.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import { runOperation } from '../../workers/handlers/index.js';
import { opsFile, runOps } from '../helpers/bullmq-runs.js';
import { parsePromText, sumOf } from '../helpers/prom-text.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

test.serial('/metrics of a worker running zdb-traffic.json parses, and its job counters equal the owner\'s operations', async (t) => {
  const queue = 'obs-metrics';
  const lines: string[] = [];
  const observer = await openWorkerObserver({ level: 'info', format: 'json', write: (line) => lines.push(line), metricsPort: 0 });
  const jobs = startJobWorker({ redisUrl: t.context.redis.url, queue, validate: validateOperation, ...observer.hooks(runOperation) });
  try {
    await jobs.ready();
    const ops = opsFile('zdb-traffic.json');
    const report = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
    // Expected: the owner's results, counted by operation kind and state; a repeat of a completed
    // idempotency key (del-k2-retry) is answered by the owner from its store, with no job.
    const expected = new Map<string, number>();
    const keys = new Set<string>();
    report.results.forEach((result, i) => {
      const op = ops[i]!;
      if (op.idempotencyKey !== undefined && keys.has(op.idempotencyKey)) return;
      if (op.idempotencyKey !== undefined) keys.add(op.idempotencyKey);
      const key = `${op.kind} ${result.state}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    });
    const response = await fetch(observer.metricsUrl!);
    t.is(response.status, 200);
    t.regex(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const samples = parsePromText(await response.text());
    const counted = new Map<string, number>();
    for (const s of samples.filter((x) => x.name === 'zos_jobs_total')) {
      counted.set(`${s.labels.kind} ${s.labels.state}`, s.value);
    }
    t.deepEqual(counted, expected);
    t.is(sumOf(samples, 'zos_job_duration_seconds_count'), ops.length - 1);
    t.true(sumOf(samples, 'zos_backend_call_duration_seconds_count') >= ops.length, 'every operation made backend calls, each timed');
    t.is(sumOf(samples, 'zos_job_stalls_total'), 0);

    // One JSON line per finished job, naming its kind; none at debug level.
    const perJob = lines.map((l) => JSON.parse(l) as { level: string; msg: string; ms: number }).filter((l) => / (ok|failed|thrown)$/.test(l.msg));
    t.is(perJob.length, ops.length - 1);
    t.true(perJob.every((l) => l.level === 'info' && Number.isInteger(l.ms)));
    t.deepEqual(perJob.map((l) => l.msg.split(' ')[1]).sort(), ops.filter((op) => op.id !== 'del-k2-retry').map((op) => op.kind).sort());
  } finally {
    await jobs.close();
    await observer.close();
  }
});

test('without --metrics-port nothing is served and the handlers run unwrapped', async (t) => {
  const observer = await openWorkerObserver({ level: 'error', format: 'text', write: () => {} });
  t.is(observer.metricsUrl, undefined);
  t.is(observer.metrics, undefined);
  t.is(observer.hooks(runOperation).run, runOperation, 'at --log-level error no wrapper at all');
  await observer.close();
});
