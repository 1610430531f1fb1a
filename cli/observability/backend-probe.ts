// Times every backend call a handler makes (a Proxy over the Backend port), for the backend-call
// histogram and, when tracing, one span per call. Leaves out the calls' meaning: any method is timed alike.

import type { Backend } from '../../workers/backend.js';
import { childCache, type ZosMetrics } from './metrics.js';

/** Starts one traced call under its handler's span; returns its end. From tracing.ts, so this file needs no OpenTelemetry. */
export type CallSpan = (method: string) => (error?: unknown) => void;

/** The histogram's child per method, shared by every job's probe (one registry per process). */
const callHistograms = new WeakMap<ZosMetrics, (method: string) => { observe(seconds: number): void }>();

function callHistogram(metrics: ZosMetrics): (method: string) => { observe(seconds: number): void } {
  let children = callHistograms.get(metrics);
  if (children === undefined) callHistograms.set(metrics, (children = childCache((method) => metrics.backendCallDurationS.labels(method!))));
  return children;
}

export function probeBackend(backend: Backend, metrics: ZosMetrics | undefined, span: CallSpan | undefined): Backend {
  if (metrics === undefined && span === undefined) return backend;
  const histogram = metrics === undefined ? undefined : callHistogram(metrics);
  // One wrapper per method and job, made at its first use: a handler calling a method often allocates it once.
  const wrappers = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      // nowS is a clock read, not a call to the grid: neither timed nor traced.
      if (property === 'nowS' || typeof property !== 'string') return value.bind(target);
      let wrapper = wrappers.get(property);
      if (wrapper === undefined) wrappers.set(property, (wrapper = timed(target, property, value as (...a: unknown[]) => unknown, histogram?.(property), span)));
      return wrapper;
    },
  });
}

type Observe = { observe(seconds: number): void } | undefined;

function finish(histogram: Observe, startedMs: number, end: ((error?: unknown) => void) | undefined, error?: unknown): void {
  histogram?.observe((performance.now() - startedMs) / 1000);
  end?.(error);
}

/** `fn` on `target`, observed into `histogram` and, when traced, a span per call. */
function timed(target: Backend, method: string, fn: (...a: unknown[]) => unknown, histogram: Observe, span: CallSpan | undefined): (...args: unknown[]) => unknown {
  return (...args) => {
    const startedMs = performance.now();
    const end = span?.(method);
    const out = fn.apply(target, args);
    if (!(out instanceof Promise)) {
      finish(histogram, startedMs, end);
      return out;
    }
    return out.then(
      (result: unknown) => (finish(histogram, startedMs, end), result),
      (error: unknown) => {
        finish(histogram, startedMs, end, error);
        throw error;
      },
    );
  };
}
