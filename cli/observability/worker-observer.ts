// Everything a worker process observes about itself, built once from its flags: the logger, the
// metrics and their server, and the hooks handed to startJobWorker. At --log-level warn and no other flag it
// adds nothing per job but BullMQ event listeners: prom-client not loaded, no server, no Proxy over the backend.

import type { JobWorkerOptions } from '../../scheduler/transports/bullmq/index.js';
import { probeBackend } from './backend-probe.js';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './log.js';
import type { ZosMetrics } from './metrics.js';
import type { MetricsServer } from './metrics-server.js';
import type { Tracing } from './tracing.js';
import { observeRun, watchWorkerEvents } from './worker-events.js';

export interface WorkerObserverOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write: (line: string) => void;
  /** Serve /metrics on this port (0: any free one); absent: no metrics at all. */
  readonly metricsPort?: number;
  /** Tracing hooks (tracing.ts), when traces were asked for. */
  readonly tracing?: Pick<Tracing, 'telemetry' | 'startHandler'>;
}

export type ObservedHooks = Required<Pick<JobWorkerOptions, 'watch' | 'log' | 'run'>> & Pick<JobWorkerOptions, 'telemetry'>;

export interface WorkerObserver {
  readonly log: Logger;
  readonly metrics: ZosMetrics | undefined;
  /** Where /metrics is served, when it is. */
  readonly metricsUrl: string | undefined;
  /** startJobWorker's hooks around the handlers' `run`. */
  hooks(run: JobWorkerOptions['run']): ObservedHooks;
  close(): Promise<void>;
}

export async function openWorkerObserver(options: WorkerObserverOptions): Promise<WorkerObserver> {
  const log = createLogger(options);
  let metrics: ZosMetrics | undefined;
  let server: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    // prom-client is loaded only when metrics are asked for.
    const [{ createMetrics }, { serveMetrics }] = await Promise.all([import('./metrics.js'), import('./metrics-server.js')]);
    metrics = createMetrics();
    server = await serveMetrics(metrics.registry, { port: options.metricsPort });
  }
  const tracing = options.tracing;
  return {
    log,
    metrics,
    metricsUrl: server?.url,
    hooks: (run) => ({
      watch: (worker) => watchWorkerEvents(worker, log, metrics),
      // job-worker.ts's own lines are failures, lost connections and the stop sequence.
      log: (line) => log.log(/stopping|stopped/.test(line) ? 'info' : 'warn', line),
      run: observeRun(instrument(run, metrics, tracing), log, metrics),
      ...(tracing === undefined ? {} : { telemetry: tracing.telemetry }),
    }),
    close: async () => server?.close(),
  };
}

type Run = JobWorkerOptions['run'];

/** `run` with its backend calls timed and, when tracing, a handler span around them; `run` itself when neither. */
function instrument(run: Run, metrics: ZosMetrics | undefined, tracing: Pick<Tracing, 'startHandler'> | undefined): Run {
  if (metrics === undefined && tracing === undefined) return run;
  if (tracing === undefined) return (op, backend, job) => run(op, probeBackend(backend, metrics, undefined), job);
  return async (op, backend, job) => {
    const handler = tracing.startHandler(op, job);
    try {
      const result = await run(op, probeBackend(backend, metrics, handler.callSpan), job);
      handler.end({ result });
      return result;
    } catch (error) {
      handler.end({ error });
      throw error;
    }
  };
}
