// The Prometheus metrics of one process (prom-client, a registry of its own, not the global one):
// jobs, job and backend-call durations, retries, stalls, reconciler actions and a simulated grid's
// gauges. Leaves out how they are fed (worker-events.ts, backend-probe.ts, owner-metrics.ts) and served (metrics-server.ts).

import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Job and call durations in seconds: from a sub-millisecond simulated call answered by the owner to
 * a real flist download of minutes.
 */
const durationBucketsS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface ZosMetrics {
  readonly registry: Registry;
  /** Jobs by operation kind and how they ended (the result's state, `thrown`, `parked`, `error`). */
  readonly jobs: Counter<'kind' | 'state'>;
  readonly jobDurationS: Histogram<'kind'>;
  readonly backendCallDurationS: Histogram<'method'>;
  /** Attempts after the first, by operation kind. */
  readonly retries: Counter<'kind'>;
  /** Jobs whose lock expired while active, found by this process's stall check. */
  readonly stalls: Counter;
  readonly reconcilerActions: Counter<'reason'>;
}

export function createMetrics(): ZosMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    jobs: new Counter({ name: 'zos_jobs_total', help: 'Jobs finished, by operation kind and outcome state', labelNames: ['kind', 'state'], registers }),
    jobDurationS: new Histogram({ name: 'zos_job_duration_seconds', help: 'Wall time of a job\'s handler, from start to its outcome, by operation kind', labelNames: ['kind'], buckets: durationBucketsS, registers }),
    backendCallDurationS: new Histogram({ name: 'zos_backend_call_duration_seconds', help: 'Wall time of one backend call made by a handler, by Backend method', labelNames: ['method'], buckets: durationBucketsS, registers }),
    retries: new Counter({ name: 'zos_job_retries_total', help: 'Job attempts after the first, by operation kind', labelNames: ['kind'], registers }),
    stalls: new Counter({ name: 'zos_job_stalls_total', help: 'Active jobs whose lock expired (their worker died or hung); BullMQ re-delivers them', registers }),
    reconcilerActions: new Counter({ name: 'zos_reconciler_actions_total', help: 'Actions of the self-healing reconciler, by reason', labelNames: ['reason'], registers }),
  };
}

/** What a simulated grid shows at one scrape; read when scraped, not pushed on every change. */
export interface GridGaugeReading {
  readonly nodesUp?: number;
  /** The fraction of tracked deployments whose workloads are all up (runs that track availability). */
  readonly deploymentsAvailable?: number;
  /** zstor objects below their redundancy: each waits for, or is in, a repair. */
  readonly repairsInFlight?: number;
  /** The simulation's own clock, so a dashboard can tell simulated time from the scrape time. */
  readonly simTimeS: number;
}

const gridGauges: ReadonlyArray<readonly [keyof GridGaugeReading, string, string]> = [
  ['nodesUp', 'zos_sim_nodes_up', 'Simulated grid: nodes up, at zos_sim_time_seconds'],
  ['deploymentsAvailable', 'zos_sim_deployments_available_ratio', 'Simulated grid: fraction of deployments with every workload up, at zos_sim_time_seconds'],
  ['repairsInFlight', 'zos_sim_repairs_in_flight', 'Simulated grid: zstor objects below their redundancy (awaiting or in repair), at zos_sim_time_seconds'],
  ['simTimeS', 'zos_sim_time_seconds', 'Simulated grid: the simulated clock the other zos_sim_ gauges were read at'],
];

/** Adds the simulated grid's gauges named in `fields` to `metrics`, each read from `read` at scrape time. */
export function addGridGauges(metrics: ZosMetrics, fields: readonly (keyof GridGaugeReading)[], read: () => GridGaugeReading): void {
  const registers = [metrics.registry];
  for (const [field, name, help] of gridGauges) {
    if (!fields.includes(field)) continue;
    new Gauge({ name, help, registers, collect() { this.set(read()[field] ?? 0); } });
  }
}

/**
 * Memoises prom-client's per-label-set children: `labels()` hashes its label values on every call,
 * which a worker would otherwise pay per job and per backend call.
 */
export function childCache<C>(make: (...values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) children.set(key, (child = make(...values)));
    return child;
  };
}
