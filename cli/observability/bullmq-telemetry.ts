// BullMQ's telemetry (bullmq-otel) with two cuts that change no recorded trace of a job, measured by
// `bench observability`:
// - A BullMQ span that would start a trace of its own is not made. Without a global context manager
//   (tracing.ts says why) BullMQ's bookkeeping spans ('complete' per job, the stalled-job checks,
//   'close') have no parent: each would be a one-span trace beside the job's, and 'complete' costs
//   one per job. Traces start at a submit ('add', a PRODUCER span) or, for jobs queued untraced, at
//   the consumer ('process'); every span with a parent is made as before.
// - A span whose parent is not sampled is not made either: the sampler would drop it anyway, and
//   the parent's context (unsampled) still travels on, so the decision holds downstream.
// And a job's propagated context, parsed by BullMQ for 'getNextJob' and again for 'process' (and by
// our handler span), is parsed once.

import { propagation, ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Context } from '@opentelemetry/api';
import type { Span as BullSpan, SpanOptions, Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

/** Stands for the spans not made: attributes and events go nowhere; the context passes through. */
const notMade: BullSpan<Context> = {
  setSpanOnContext: (ctx) => ctx,
  setAttribute: () => {},
  setAttributes: () => {},
  addEvent: () => {},
  recordException: () => {},
  end: () => {},
};

const maxParsed = 4096;

/** Whether `ctx` carries a span whose trace the sampler dropped (a context with no span is not unsampled). */
export function unsampled(ctx: Context): boolean {
  const span = trace.getSpanContext(ctx);
  return span !== undefined && (span.traceFlags & TraceFlags.SAMPLED) === 0;
}

export interface JobTelemetry {
  readonly telemetry: Telemetry<Context>;
  /** The submit's context as propagated in a job's metadata (bullmq-otel's W3C carrier), parsed once per job. */
  readonly submitContext: (metadata: string) => Context;
}

export function jobTelemetry(tracerName: string): JobTelemetry {
  const otel = new BullMQOtel({ tracerName });
  // getNextJob, process and the handler read the same job's metadata, with other jobs' in between.
  const parsed = new Map<string, Context>();
  const submitContext = (metadata: string): Context => {
    let found = parsed.get(metadata);
    if (found === undefined) {
      try {
        found = propagation.extract(ROOT_CONTEXT, JSON.parse(metadata) as Record<string, string>);
      } catch {
        found = ROOT_CONTEXT;
      }
      // A bound, not an LRU: a worker's jobs in flight are far fewer; clearing costs a re-parse at most.
      if (parsed.size >= maxParsed) parsed.clear();
      parsed.set(metadata, found);
    }
    return found;
  };
  const telemetry: Telemetry<Context> = {
    tracer: {
      startSpan(name: string, options?: SpanOptions, ctx?: Context) {
        const kind = options?.kind as number | undefined;
        const startsTrace = trace.getSpanContext(ctx ?? ROOT_CONTEXT) === undefined;
        if (startsTrace ? kind !== SpanKind.PRODUCER && kind !== SpanKind.CONSUMER : unsampled(ctx!)) return notMade;
        return otel.tracer.startSpan(name, options, ctx);
      },
    },
    contextManager: {
      with: (ctx, fn) => otel.contextManager.with(ctx, fn),
      active: () => otel.contextManager.active(),
      getMetadata: (ctx) => otel.contextManager.getMetadata(ctx),
      // No context manager is registered, so the active context BullMQ passes is always the root one.
      fromMetadata: (_active, metadata) => submitContext(metadata),
    },
  };
  return { telemetry, submitContext };
}
