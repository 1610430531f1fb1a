// `bench observability`: what metrics and tracing cost a worker. `bench queue`'s timed operation
// (hub.up, its effect instant in virtual time, so the figure is the queue's own cost) through the
// BullMQ transport, served by job workers wired as `zos-testbed worker` wires them (over the Redis
// call channel), with observability off, with --metrics-port, and with --metrics-port and traces
// (the SDK's full span work, exported to a sink that drops them). Rounds interleave the settings.

import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Args } from '../cli/args.js';
import { startTracing, type Tracing } from '../cli/observability/tracing.js';
import { openWorkerObserver } from '../cli/observability/worker-observer.js';
import { World } from '../sim/grid/world.js';
import { gridByName } from '../scenarios/grids.js';
import { validateOperation } from '../scheduler/operations/validate.js';
import { openBullmqTransport, startJobWorker, startPrivateRedis } from '../scheduler/transports/bullmq/index.js';
import { runOperation } from '../workers/handlers/index.js';
import { SimBackend } from '../workers/sim-backend.js';
import { benchMain } from './bench-main.js';

type Setting = 'off' | 'metrics' | 'metrics+traces';
const settings: readonly Setting[] = ['off', 'metrics', 'metrics+traces'];

/** Takes every span and keeps none: the cost measured is making them, not a network. */
const droppingExporter: SpanExporter = {
  export: (_spans: ReadableSpan[], done: (result: ExportResult) => void) => done({ code: 0 }),
  shutdown: async () => {},
};

interface Shape {
  readonly ops: number;
  readonly workers: number;
  readonly workerConcurrency: number;
  readonly concurrency: number;
}

/** ops/s of `shape.ops` hub.up operations under one setting, on a fresh grid and queue. */
async function timeSetting(redisUrl: string, setting: Setting, shape: Shape, round: number): Promise<number> {
  const tracing: Tracing | undefined = setting === 'metrics+traces' ? startTracing({ exporter: droppingExporter }) : undefined;
  const observer = await openWorkerObserver({
    level: 'warn', format: 'text', write: () => {},
    ...(setting === 'off' ? {} : { metricsPort: 0 }),
    ...(tracing === undefined ? {} : { tracing }),
  });
  const queue = `bench-obs-${round}-${setting.replace('+', '-')}`;
  const workers = Array.from({ length: shape.workers }, () =>
    startJobWorker({ redisUrl, queue, concurrency: shape.workerConcurrency, validate: validateOperation, ...observer.hooks(runOperation) }));
  const backend = new SimBackend(new World({ seed: 'bench-observability', grid: gridByName('small'), armDeviceFailures: false }));
  try {
    await Promise.all(workers.map((worker) => worker.ready()));
    const transport = await openBullmqTransport({
      backend, clock: backend.clock, redisUrl, queue, concurrency: shape.concurrency, localWorkers: 0,
      ...(tracing === undefined ? {} : { telemetry: tracing.telemetry }),
    });
    try {
      const startedMs = performance.now();
      for (let i = 0; i < shape.ops; i++) await transport.submit({ kind: 'hub.up' });
      await transport.drain();
      return shape.ops / ((performance.now() - startedMs) / 1000);
    } finally {
      await transport.close();
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await observer.close();
    await tracing?.shutdown();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await benchMain('observability', {
  async run(args: Args) {
    const ops = args.number('ops', { min: 1, max: 1e7, integer: true, default: 3000 });
    const concurrency = args.number('concurrency', { min: 1, max: 10_000, integer: true, default: 256 });
    const workers = args.number('workers', { min: 1, max: 1000, integer: true, default: 4 });
    const roundCount = args.number('rounds', { min: 1, max: 100, integer: true, default: 5 });
    const shape: Shape = { ops, workers, concurrency, workerConcurrency: Math.ceil(concurrency / workers) };
    const redis = await startPrivateRedis();
    try {
      // Untimed warm-up of every setting, so none is measured with a cold JIT.
      for (const setting of settings) await timeSetting(redis.url, setting, { ...shape, ops: Math.max(1, Math.floor(ops / 3)) }, -1);
      const rounds: Array<Record<Setting, number>> = [];
      for (let round = 0; round < roundCount; round++) {
        const figures = {} as Record<Setting, number>;
        for (const setting of settings) figures[setting] = await timeSetting(redis.url, setting, shape, round);
        rounds.push(figures);
      }
      const off = median(rounds.map((r) => r.off));
      const metrics = median(rounds.map((r) => r.metrics));
      const traced = median(rounds.map((r) => r['metrics+traces']));
      const document = {
        offOpsPerS: Math.round(off),
        metricsOpsPerS: Math.round(metrics),
        metricsAndTracesOpsPerS: Math.round(traced),
        metricsRatio: Number((metrics / off).toFixed(3)),
        metricsAndTracesRatio: Number((traced / off).toFixed(3)),
        ops, concurrency, workers,
        rounds: rounds.map((r) => Object.fromEntries(settings.map((s) => [s, Math.round(r[s])]))),
      };
      const human = [
        `hub.up through BullMQ, ${workers} worker-process job workers, concurrency ${concurrency}, ${ops} ops per round, medians of ${roundCount} rounds:`,
        `  observability off: ${document.offOpsPerS} ops/s`,
        `  metrics:           ${document.metricsOpsPerS} ops/s (ratio ${document.metricsRatio})`,
        `  metrics + traces:  ${document.metricsAndTracesOpsPerS} ops/s (ratio ${document.metricsAndTracesRatio})`,
      ].join('\n');
      return { document, human };
    } finally {
      await redis.stop();
    }
  },
});
