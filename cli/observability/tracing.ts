// OpenTelemetry traces of jobs: BullMQ's own producer ('add') and consumer ('process') spans through
// bullmq-otel, and under each 'process' span one span for the handler and one per backend call it
// makes. The standard SDK (sdk-trace-base), exporting over OTLP/HTTP or, in tests, to memory.
// Loaded only when traces are asked for: without the flag no provider is registered and nothing is traced.

import { context, propagation, trace, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import type { JobWorkerOptions } from '../../scheduler/transports/bullmq/index.js';
import type { CallSpan } from './backend-probe.js';

const tracerName = 'zos-testbed';

export interface Tracing {
  /** For BullMQ's Queue and Worker options. */
  readonly telemetry: Telemetry;
  /** One span per backend call, a child of whatever span is active (the handler's). */
  readonly span: CallSpan;
  /** `run` inside a handler span, so that backend-call spans nest under it. */
  traceRun(run: JobWorkerOptions['run']): JobWorkerOptions['run'];
  /** Exports what is left and unregisters the provider. */
  shutdown(): Promise<void>;
}

export type TraceTarget = ({ readonly otlpEndpoint: string } | { readonly exporter: SpanExporter }) & {
  /**
   * The fraction of traces recorded, decided where a trace starts (the owner's submit) and followed
   * by every span under it, across processes. Default 1: every job.
   */
  readonly sampleRatio?: number;
};

/** Registers a tracer provider for this process and returns the hooks; one at a time per process. */
export function startTracing(target: TraceTarget): Tracing {
  // Spans of a job's async continuation find their parent through AsyncLocalStorage.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // bullmq-otel carries a job's trace context in its options through the global propagator (W3C traceparent).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Over the network spans leave in batches; in memory at once, so a test reads them as soon as they end.
  const processor = 'exporter' in target ? new SimpleSpanProcessor(target.exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: target.otlpEndpoint }));
  const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(target.sampleRatio ?? 1) });
  const provider = new BasicTracerProvider({ spanProcessors: [processor], sampler });
  trace.setGlobalTracerProvider(provider);
  const tracer: Tracer = provider.getTracer(tracerName);
  return {
    telemetry: new BullMQOtel({ tracerName }),
    span: (method) => {
      const span = tracer.startSpan(`backend ${method}`, { attributes: { 'zos.backend.method': method } });
      return (error) => {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      };
    },
    traceRun: (run) => (op, backend) =>
      tracer.startActiveSpan(`handler ${op.kind}`, { attributes: { 'zos.operation.kind': op.kind } }, async (span) => {
        try {
          const result = await run(op, backend);
          span.setAttribute('zos.operation.state', result.state);
          if (result.state === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: result.error?.code ?? 'failed' });
          return result;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          throw error;
        } finally {
          span.end();
        }
      }),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
