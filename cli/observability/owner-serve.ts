// `--metrics-port` of the commands that own a grid (apply, run, plan): a fresh registry served for
// as long as the command works. Absent, nothing is created: no registry, no listener, no observer.

import type { Args } from '../args.js';
import type { ZosMetrics } from './metrics.js';

export interface ServedMetrics {
  readonly metrics: ZosMetrics;
  readonly url: string;
  close(): Promise<void>;
}

/** Reads `--metrics-port` and, when given, serves /metrics there; `say` prints where. */
export async function metricsFromFlag(args: Args, say: (line: string) => void): Promise<ServedMetrics | undefined> {
  const port = args.number('metrics-port', { integer: true, min: 0, max: 65_535 });
  if (port === undefined) return undefined;
  // prom-client is loaded only when metrics are asked for.
  const [{ createMetrics }, { serveMetrics }] = await Promise.all([import('./metrics.js'), import('./metrics-server.js')]);
  const metrics = createMetrics();
  const server = await serveMetrics(metrics.registry, { port });
  say(`metrics: Prometheus text at ${server.url}`);
  return { metrics, url: server.url, close: () => server.close() };
}
