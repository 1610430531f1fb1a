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
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      // nowS is a clock read, not a call to the grid: neither timed nor traced.
      if (property === 'nowS' || typeof property !== 'string') return value.bind(target);
      const method = property;
      return (...args: unknown[]) => {
        const startedMs = performance.now();
        const end = span?.(method);
        const settle = (error?: unknown): void => {
          histogram?.(method).observe((performance.now() - startedMs) / 1000);
          end?.(error);
        };
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(out instanceof Promise)) {
          settle();
          return out;
        }
        return out.then(
          (result: unknown) => (settle(), result),
          (error: unknown) => {
            settle(error);
            throw error;
          },
        );
      };
    },
  });
}
