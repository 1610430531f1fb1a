// `bench observability`: what metrics and tracing cost a worker. `bench queue`'s timed operation
// (hub.up, its effect instant in virtual time, so the figure is the queue's own cost) through the
// BullMQ transport, served by job workers wired as `zos-testbed worker` wires them (over the Redis
// call channel), with observability off, with --metrics-port, and with --metrics-port and traces
// (the SDK's full span work, batched as --otlp-endpoint batches them, to a sink that drops them),
// and with one trace in ten sampled.
// Rounds interleave the settings, rotating their order.

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
import { median } from './child-cpu.js';

type Setting = 'off' | 'metrics' | 'metrics+traces' | 'metrics+traces@0.1';
const settings: readonly Setting[] = ['off', 'metrics', 'metrics+traces', 'metrics+traces@0.1'];

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

/** One setting's figures: wall throughput, and this process's CPU per operation (owner and workers both live here, Redis does not). */
interface Figures {
  readonly opsPerS: number;
  readonly cpuUsPerOp: number;
}

/** `shape.ops` hub.up operations under one setting, on a fresh grid and queue. */
async function timeSetting(redisUrl: string, setting: Setting, shape: Shape, round: number): Promise<Figures> {
  const tracing: Tracing | undefined = setting.startsWith('metrics+traces') ? startTracing({ exporter: droppingExporter, batch: true, sampleRatio: setting.endsWith('@0.1') ? 0.1 : 1 }) : undefined;
  const observer = await openWorkerObserver({
    level: 'warn', format: 'text', write: () => {},
    ...(setting === 'off' ? {} : { metricsPort: 0 }),
    ...(tracing === undefined ? {} : { tracing }),
  });
  const queue = `bench-obs-${round}-${setting.replace(/[^a-z0-9]/g, '-')}`;
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
      const cpu = process.cpuUsage();
      for (let i = 0; i < shape.ops; i++) await transport.submit({ kind: 'hub.up' });
      await transport.drain();
      const used = process.cpuUsage(cpu);
      return { opsPerS: shape.ops / ((performance.now() - startedMs) / 1000), cpuUsPerOp: (used.user + used.system) / shape.ops };
    } finally {
      await transport.close();
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await observer.close();
    await tracing?.shutdown();
  }
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
      const rounds: Array<Record<Setting, Figures>> = [];
      // The order rotates each round, so no setting always runs first (after a GC-heavy teardown).
      for (let round = 0; round < roundCount; round++) {
        const figures = {} as Record<Setting, Figures>;
        for (let i = 0; i < settings.length; i++) {
          const setting = settings[(round + i) % settings.length]!;
          figures[setting] = await timeSetting(redis.url, setting, shape, round);
        }
        rounds.push(figures);
      }
      const opsPerS = (s: Setting): number => median(rounds.map((r) => r[s].opsPerS));
      const cpuUs = (s: Setting): number => median(rounds.map((r) => r[s].cpuUsPerOp));
      const document = {
        offOpsPerS: Math.round(opsPerS('off')),
        metricsOpsPerS: Math.round(opsPerS('metrics')),
        metricsAndTracesOpsPerS: Math.round(opsPerS('metrics+traces')),
        metricsRatio: Number((opsPerS('metrics') / opsPerS('off')).toFixed(3)),
        metricsAndTracesRatio: Number((opsPerS('metrics+traces') / opsPerS('off')).toFixed(3)),
        metricsAndSampledTracesOpsPerS: Math.round(opsPerS('metrics+traces@0.1')),
        metricsAndSampledTracesRatio: Number((opsPerS('metrics+traces@0.1') / opsPerS('off')).toFixed(3)),
        metricsAndSampledTracesCpuUsPerOp: Math.round(cpuUs('metrics+traces@0.1')),
        cpuRatios: Object.fromEntries(settings.map((s) => [s, Number((cpuUs(s) / cpuUs('off')).toFixed(3))])),
        offCpuUsPerOp: Math.round(cpuUs('off')),
        metricsCpuUsPerOp: Math.round(cpuUs('metrics')),
        metricsAndTracesCpuUsPerOp: Math.round(cpuUs('metrics+traces')),
        ops, concurrency, workers,
        rounds: rounds.map((r) => Object.fromEntries(settings.map((s) => [s, { opsPerS: Math.round(r[s].opsPerS), cpuUsPerOp: Math.round(r[s].cpuUsPerOp) }]))),
      };
      const human = [
        `hub.up through BullMQ, ${workers} worker-process job workers, concurrency ${concurrency}, ${ops} ops per round, medians of ${roundCount} rounds:`,
        `  observability off: ${document.offOpsPerS} ops/s, ${document.offCpuUsPerOp} µs CPU per op`,
        `  metrics:           ${document.metricsOpsPerS} ops/s (ratio ${document.metricsRatio}), ${document.metricsCpuUsPerOp} µs CPU per op`,
        `  metrics + traces:  ${document.metricsAndTracesOpsPerS} ops/s (ratio ${document.metricsAndTracesRatio}), ${document.metricsAndTracesCpuUsPerOp} µs CPU per op`,
        `  metrics + 10 % of traces: ${document.metricsAndSampledTracesOpsPerS} ops/s (ratio ${document.metricsAndSampledTracesRatio}), ${document.metricsAndSampledTracesCpuUsPerOp} µs CPU per op`,
        '  (wall figures swing with the machine\'s other load; CPU per op is the steadier comparison)',
      ].join('\n');
      return { document, human };
    } finally {
      await redis.stop();
    }
  },
});
