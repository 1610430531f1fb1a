// OpenTelemetry traces of jobs: BullMQ's own producer ('add', the submit) and consumer ('process')
// spans through bullmq-otel (with the cuts of bullmq-telemetry.ts), and per job one span for the
// handler with one child per backend call.
// The standard SDK (sdk-trace-base), exporting over OTLP/HTTP or, in tests, to memory.
// Contexts are passed explicitly, not through a global context manager: on Node 20 an
// AsyncLocalStorage context manager turns on promise hooks for every promise of the process, which
// cost a worker more than the spans themselves (`bench observability`). So the handler span's
// parent is the submit span, read from the job's propagated context, beside BullMQ's 'process' span.
// Loaded only when traces are asked for: without the flag no provider is registered, nothing is traced.

import { context, propagation, ROOT_CONTEXT, trace, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Job, Telemetry } from 'bullmq';
import type { Operation, OperationResult } from '../../workers/operations.js';
import type { CallSpan } from './backend-probe.js';
import { jobTelemetry, unsampled, type JobTelemetry } from './bullmq-telemetry.js';

const tracerName = 'zos-testbed';

/** One handler's span, and the backend-call spans under it. */
export interface HandlerTrace {
  /** Absent when the trace is not recorded: the backend calls then need no span, nor a closure per call. */
  readonly callSpan: CallSpan | undefined;
  end(outcome: { readonly result: OperationResult } | { readonly error: unknown }): void;
}

export interface Tracing {
  /** For BullMQ's Queue and Worker options. */
  readonly telemetry: Telemetry;
  /** Starts the span of `op`'s handler, a child of the job's submit when the job carries its context. */
  startHandler(op: Operation, job: Job | undefined): HandlerTrace;
  /** Exports what is left and unregisters the provider. */
  shutdown(): Promise<void>;
}

export type TraceTarget = ({ readonly otlpEndpoint: string } | { readonly exporter: SpanExporter; readonly batch?: boolean }) & {
  /**
   * The fraction of traces recorded, decided where a trace starts (the owner's submit) and followed
   * by every span under it, across processes. Default 1: every job.
   */
  readonly sampleRatio?: number;
};

/** The submit's context as BullMQ stored it in the job's options (bullmq-otel's W3C metadata). */
function submitContext(job: Job | undefined, parse: JobTelemetry['submitContext']): Context {
  const metadata = (job?.opts as { telemetry?: { metadata?: unknown } } | undefined)?.telemetry?.metadata;
  return typeof metadata === 'string' ? parse(metadata) : ROOT_CONTEXT;
}

function fail(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** What an unsampled job's handler gets: nothing to record, nothing allocated per call. */
const untraced: HandlerTrace = { callSpan: undefined, end: () => {} };

/**
 * Spans leave in batches of up to 512 every second at most; the queue holds a few seconds of a busy
 * worker (some thousand spans a second) so a slow collector costs dropped spans, not memory or stalls.
 */
function batched(exporter: SpanExporter): BatchSpanProcessor {
  return new BatchSpanProcessor(exporter, { maxQueueSize: 16_384, maxExportBatchSize: 512, scheduledDelayMillis: 1000 });
}

/** Registers a tracer provider for this process and returns the hooks; one at a time per process. */
export function startTracing(target: TraceTarget): Tracing {
  // bullmq-otel carries a job's trace context in its options through the global propagator (W3C traceparent).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Over the network spans leave in batches; in memory at once (unless `batch`), so a test reads them as soon as they end.
  const processor = 'otlpEndpoint' in target ? batched(new OTLPTraceExporter({ url: target.otlpEndpoint })) : target.batch === true ? batched(target.exporter) : new SimpleSpanProcessor(target.exporter);
  const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(target.sampleRatio ?? 1) });
  const provider = new BasicTracerProvider({ spanProcessors: [processor], sampler });
  trace.setGlobalTracerProvider(provider);
  const tracer: Tracer = provider.getTracer(tracerName);
  const bullmq = jobTelemetry(tracerName);
  return {
    telemetry: bullmq.telemetry,
    startHandler(op, job) {
      const parent = submitContext(job, bullmq.submitContext);
      // The submit's decision holds for the whole trace: an unsampled job gets no span objects at all.
      if (unsampled(parent)) return untraced;
      const handler = tracer.startSpan(`handler ${op.kind}`, { attributes: { 'zos.operation.kind': op.kind, 'zos.job.id': job?.id ?? '' } }, parent);
      if (!handler.isRecording()) return untraced;
      const under = trace.setSpan(ROOT_CONTEXT, handler);
      return {
        // The method is the span's name; an attribute repeating it would be copied and exported per call.
        callSpan: (method) => {
          const span = tracer.startSpan(`backend ${method}`, undefined, under);
          return (error) => {
            if (error !== undefined) fail(span, error);
            span.end();
          };
        },
        end(outcome) {
          if ('error' in outcome) fail(handler, outcome.error);
          else {
            handler.setAttribute('zos.operation.state', outcome.result.state);
            if (outcome.result.state === 'failed') handler.setStatus({ code: SpanStatusCode.ERROR, message: outcome.result.error?.code ?? 'failed' });
          }
          handler.end();
        },
      };
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
