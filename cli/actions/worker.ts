// `worker`: one worker process serving the BullMQ queue until SIGTERM/SIGINT. With `--backend sim` it
// is stateless (the owner of the simulated grid answers every backend call over Redis); with
// `--backend host` it runs handlers against real nodes of its own under --data-dir.

import type { Backend } from '../../workers/backend.js';
import { InputError } from '../../workers/errors.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { runOperation } from '../../workers/handlers/index.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { defaultQueueName, startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import type { Command } from '../command.js';
import { untilStopSignal } from '../stop-signal.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import { logFormats, logLevels } from '../observability/log.js';
import { openWorkerObserver } from '../observability/worker-observer.js';

/** The work of `worker`; its flags and usage are in cli/commands/worker.ts. */
export async function runWorker(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const redisUrl = redisFlag(args, { required: true });
  const backendName = args.oneOf('backend', ['sim', 'host'] as const, 'sim');
  for (const flag of ['data-dir', 'nodes', 'hub', 'zdb'] as const) {
    if (backendName === 'sim' && args.has(flag)) throw new InputError('command line', `--${flag}`, 'only applies to --backend host');
  }
  const zdb = args.oneOf('zdb', ['in-process', 'process'] as const, 'in-process');
  const dataDir = backendName === 'host' ? args.required('data-dir') : undefined;
  const nodes = args.number('nodes', { integer: true, min: 1, max: 256, default: 8 });
  const concurrency = args.number('concurrency', { integer: true, min: 1, max: 10_000, default: 256 });
  const lockMs = args.number('lock-ms', { integer: true, min: 100, max: 3_600_000, default: 30_000 });
  const queue = args.string('queue', defaultQueueName);
  const level = args.oneOf('log-level', logLevels, 'info');
  const format = args.oneOf('log-format', logFormats, 'text');
  const metricsPort = args.number('metrics-port', { integer: true, min: 0, max: 65_535 });
  const otlpEndpoint = args.string('otlp-endpoint');
  if (otlpEndpoint !== undefined && !/^https?:\/\//.test(otlpEndpoint)) throw new InputError('command line', '--otlp-endpoint', `must be an http(s):// URL, got ${JSON.stringify(otlpEndpoint)}`);
  // Before the host nodes start: a wrong address is the user's to fix, and said at once.
  await checkRedisFlag(redisUrl);
  // The OpenTelemetry SDK is loaded only when traces are asked for.
  const sampleRatio = args.number('trace-sample', { min: 0, max: 1, default: 1 });
  if (otlpEndpoint === undefined && args.has('trace-sample')) throw new InputError('command line', '--trace-sample', 'only applies with --otlp-endpoint');
  const tracing = otlpEndpoint === undefined ? undefined : (await import('../observability/tracing.js')).startTracing({ otlpEndpoint, sampleRatio });
  const observer = await openWorkerObserver({
    level, format, write: (line) => out.progress(line),
    ...(metricsPort === undefined ? {} : { metricsPort }),
    ...(tracing === undefined ? {} : { tracing }),
  });
  const { log } = observer;
  log.log('info', `worker: starting (pid ${process.pid}, backend ${backendName})`);
  const host = dataDir === undefined ? undefined : await HostBackend.open({ dataDir, nodes, zdb, ...hubOption(args.string('hub')) });
  try {
    const own: { backend?: Backend } = host === undefined ? {} : { backend: host };
    const jobs = startJobWorker({
      redisUrl, queue, concurrency, lockDurationMs: lockMs, stalledIntervalMs: lockMs,
      validate: validateOperation, ...observer.hooks(runOperation), ...own,
    });
    await jobs.ready();
    const where = host === undefined ? '' : `, host backend of ${nodes} nodes in ${host.dataDir}, hub ${host.hubUrl}`;
    const metrics = (observer.metricsUrl === undefined ? '' : `, metrics at ${observer.metricsUrl}`) + (otlpEndpoint === undefined ? '' : `, traces to ${otlpEndpoint}`);
    log.log('info', `worker: ready on ${redisUrl} queue ${queue} (concurrency ${concurrency}, pid ${process.pid}${where}${metrics})`);
    const signal = await untilStopSignal();
    log.log('info', `worker: ${signal} received; stopping`);
    await jobs.close();
  } finally {
    await host?.close();
    await observer.close();
    await tracing?.shutdown();
  }
  return 0;
}

/** `--hub` as HostBackend's option: absent means the backend serves DATA-DIR/hub itself. */
function hubOption(hub: string | undefined): { hub?: string } {
  return hub === undefined ? {} : { hub };
}
