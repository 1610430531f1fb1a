// Prometheus metrics of the host Web Gateway, by Traefik's names and labels (zos's gateway is a
// Traefik; its metrics reference, "Service Metrics" and "Entrypoint Metrics", Prometheus tab):
//   traefik_entrypoint_requests_total{code, method, protocol, entrypoint}: every request, routed or not;
//   traefik_service_requests_total, traefik_service_request_duration_seconds,
//   traefik_service_requests_bytes_total, traefik_service_responses_bytes_total
//     {code, method, protocol, service}: requests that matched a proxy, whatever came of them
//     (200 from the backend, 502 backend failed, 503 no healthy backend);
//   traefik_service_server_up{service, url}: 1 up, 0 down, from our health checks; without checks
//     (zos's behaviour) every server counts as up, as nothing says otherwise.
// Ours: `service` is the proxy's FQDN, the entrypoint is named "web", and the byte counters count
// bodies only. Leaves out TLS, router and retry series (no TLS, one router per proxy, no retries).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Traefik's: a method outside the common set is counted as EXTENSION_METHOD. */
const commonMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);
/** Prometheus client defaults, which Traefik keeps (0.1 s to 10 s, plus one below). */
const durationBucketsS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A server of a proxy and whether it is up, as the gateway knows it at a scrape. */
export interface ServerState {
  readonly service: string;
  readonly url: string;
  readonly up: boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly entrypoint: Counter<'code' | 'method' | 'protocol' | 'entrypoint'>;
  private readonly requests: Counter<'code' | 'method' | 'protocol' | 'service'>;
  private readonly durations: Histogram<'code' | 'method' | 'protocol' | 'service'>;
  private readonly requestBytes: Counter<'code' | 'method' | 'protocol' | 'service'>;
  private readonly responseBytes: Counter<'code' | 'method' | 'protocol' | 'service'>;
  private servers: (() => readonly ServerState[]) | undefined;

  constructor() {
    const registers = [this.registry];
    const labelNames = ['code', 'method', 'protocol', 'service'] as const;
    this.entrypoint = new Counter({ name: 'traefik_entrypoint_requests_total', help: 'How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method.', labelNames: ['code', 'method', 'protocol', 'entrypoint'], registers });
    this.requests = new Counter({ name: 'traefik_service_requests_total', help: 'How many HTTP requests processed on a service, partitioned by status code, protocol, and method.', labelNames, registers });
    this.durations = new Histogram({ name: 'traefik_service_request_duration_seconds', help: 'How long it took to process the request on a service, partitioned by status code, protocol, and method.', labelNames, buckets: durationBucketsS, registers });
    this.requestBytes = new Counter({ name: 'traefik_service_requests_bytes_total', help: 'The total size of request bodies in bytes received by a service (ours: bodies only), partitioned by status code, protocol, and method.', labelNames, registers });
    this.responseBytes = new Counter({ name: 'traefik_service_responses_bytes_total', help: 'The total size of response bodies in bytes returned by a service (ours: bodies only), partitioned by status code, protocol, and method.', labelNames, registers });
    const metrics = this;
    new Gauge({
      name: 'traefik_service_server_up', help: 'service server is up, described by gauge value of 0 or 1.', labelNames: ['service', 'url'], registers,
      collect() {
        this.reset();
        for (const server of metrics.servers?.() ?? []) this.set({ service: server.service, url: server.url }, server.up ? 1 : 0);
      },
    });
  }

  /** Called by HostGateway: where the servers' states are read at each scrape. */
  watchServers(read: () => readonly ServerState[]): void {
    if (this.servers !== undefined) throw new Error('these gateway metrics already watch a HostGateway: give each its own GatewayMetrics');
    this.servers = read;
  }

  /**
   * Counts `req` once its response is done (or the client went away): the entrypoint always, the
   * service when the request matched one. Its body bytes are counted as they pass.
   */
  track(req: IncomingMessage, res: ServerResponse, service: string | undefined): void {
    const startedMs = performance.now();
    let inBytes = 0;
    let outBytes = 0;
    if (service !== undefined) {
      req.on('data', (chunk: Buffer) => (inBytes += chunk.length));
      const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      const count = (chunk: unknown): void => {
        if (typeof chunk === 'string') outBytes += Buffer.byteLength(chunk);
        else if (chunk instanceof Uint8Array) outBytes += chunk.length;
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), write(chunk, ...rest))) as ServerResponse['write'];
      res.end = ((...args: unknown[]) => (typeof args[0] !== 'function' && count(args[0]), end(...args))) as ServerResponse['end'];
    }
    res.once('close', () => {
      const labels = { code: String(res.statusCode), method: commonMethods.has(req.method ?? '') ? req.method! : 'EXTENSION_METHOD', protocol: 'http' };
      this.entrypoint.inc({ ...labels, entrypoint: 'web' });
      if (service === undefined) return;
      const withService = { ...labels, service };
      this.requests.inc(withService);
      this.durations.observe(withService, (performance.now() - startedMs) / 1000);
      this.requestBytes.inc(withService, inBytes);
      this.responseBytes.inc(withService, outBytes);
    });
  }
}
