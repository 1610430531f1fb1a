// A real Web Gateway on this host: an HTTP reverse proxy routing by Host header to name and FQDN proxies,
// with zos's validation and node-side checks, plus our opt-in health-checked failover between backends.
// Leaves out TLS (ACME, passthrough/SNI), the hourly name-contract re-check and NU accounting.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../../../sim/errors.js';
import { GatewayNode } from '../../../sim/network/gateway/gateway-node.js';
import { compileHealthCheck, detectionBoundS, type HealthCheckPolicy } from '../../../sim/network/gateway/health.js';
import type { GatewayProxyType } from '../../../sim/network/gateway/validate.js';
import { forward, gatewayReply, type BackendConnect } from './forward.js';
import { BackendHealth, probeHttp } from './health-probe.js';
import type { GatewayMetrics, ServerState } from './metrics.js';
import { compileHostProxy } from './proxy-spec.js';

export interface HostGatewayOptions {
  /** Bind address; default 127.0.0.1 so nothing is exposed by accident. */
  readonly host?: string;
  /** Default 0: the OS picks a free port (read it from `port`). */
  readonly port?: number;
  /** The public config's domain; name proxies live at `<name>.<domain>`. */
  readonly domain?: string;
  /** The public IPs FQDN records must point at; default [host]. */
  readonly publicIps?: readonly string[];
  /** Z-Nets this gateway has joined (backends with `network` need it). */
  readonly networks?: readonly string[];
  /** tfchain stand-in: the owner twin of a Created name contract. Default: the deploying twin owns every name. */
  readonly nameContractOwner?: (name: string) => number | undefined;
  /** DNS stand-in: A/AAAA records of a domain. Default: every domain resolves to publicIps. */
  readonly resolve?: (fqdn: string) => readonly string[];
  readonly allowLoopbackBackends?: boolean;
  readonly allowSeveralBackends?: boolean;
  /** Our addition: active checks and failover. Absent = zos behaviour (no checks, first backend only). */
  readonly healthCheck?: Partial<HealthCheckPolicy>;
  /** Path the health probe GETs; default '/'. */
  readonly healthPath?: string;
  /** A backend that has not answered after this long gets a 502; default 60 s. */
  readonly requestTimeoutS?: number;
  /** Opens connections to backends (health probes too); default: from this process (a node namespace's dialer with network netns). */
  readonly connect?: BackendConnect;
  /** Count requests and servers into these Prometheus metrics (metrics.ts, Traefik's names); serve `metrics.registry` to expose them. */
  readonly metrics?: GatewayMetrics;
}

export interface BackendHealthView {
  readonly backend: string;
  readonly healthy: boolean;
  readonly consecutiveFailures: number;
  readonly probes: number;
  readonly transitions: readonly { readonly atMs: number; readonly healthy: boolean }[];
}

export class HostGateway {
  private readonly node: GatewayNode;
  private readonly health = new Map<string, BackendHealth[]>();
  private readonly policy: HealthCheckPolicy | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: HostGatewayOptions,
  ) {
    const host = options.host ?? '127.0.0.1';
    this.node = new GatewayNode({
      node: 0,
      ...(options.domain === undefined ? {} : { domain: options.domain }),
      publicIps: options.publicIps ?? [host],
      networks: options.networks ?? [],
    });
    this.policy = options.healthCheck === undefined ? undefined : compileHealthCheck('HostGateway healthCheck', options.healthCheck);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.route(req, res));
    options.metrics?.watchServers(() => this.serverStates());
  }

  static async start(options: HostGatewayOptions = {}): Promise<HostGateway> {
    const server = createServer();
    const gateway = new HostGateway(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return gateway;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  /** The longest time from a backend dying to the gateway routing around it; undefined without checks. */
  get failoverBoundS(): number | undefined {
    return this.policy === undefined ? undefined : detectionBoundS(this.policy);
  }

  /** `data` as in the workload: `{name, backends, tls_passthrough?, network?}`. */
  addNameProxy(workloadId: string, data: unknown, twin = 0): { fqdn: string } {
    return this.add(workloadId, 'gateway-name-proxy', data, twin);
  }

  /** `data` as in the workload: `{fqdn, backends, tls_passthrough?, network?}`. */
  addFqdnProxy(workloadId: string, data: unknown, twin = 0): { fqdn: string } {
    return this.add(workloadId, 'gateway-fqdn-proxy', data, twin);
  }

  remove(fqdn: string): boolean {
    this.health.get(fqdn.toLowerCase())?.forEach((checker) => checker.stop());
    this.health.delete(fqdn.toLowerCase());
    return this.node.remove(fqdn);
  }

  backendHealth(fqdn: string): BackendHealthView[] {
    return (this.health.get(fqdn.toLowerCase()) ?? []).map((c) => ({
      backend: c.backend,
      healthy: c.healthy,
      consecutiveFailures: c.consecutiveFailures,
      probes: c.probes,
      transitions: [...c.transitions],
    }));
  }

  async close(): Promise<void> {
    for (const fqdn of this.node.hosts) this.remove(fqdn);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Every proxy's backends and whether each is up (all up without health checks), for the metrics. */
  private serverStates(): ServerState[] {
    return this.node.hosts.flatMap((fqdn) => {
      const checkers = this.health.get(fqdn.toLowerCase());
      return (this.node.proxyFor(fqdn)?.spec.backends ?? []).map((b, i) => ({ service: fqdn, url: b.raw, up: checkers?.[i]?.healthy ?? true }));
    });
  }

  private add(workloadId: string, type: GatewayProxyType, data: unknown, twin: number): { fqdn: string } {
    const where = `gateway ${workloadId}`;
    const spec = compileHostProxy(where, type, data, this.options);
    const publicIps = this.options.publicIps ?? [this.options.host ?? '127.0.0.1'];
    const result = this.node.deploy(workloadId, spec, {
      twin,
      nameContractOwner: this.options.nameContractOwner ?? (() => twin),
      resolve: this.options.resolve ?? (() => publicIps),
    });
    if (!result.ok) {
      const field = /network/.test(result.reason) ? 'network' : type === 'gateway-name-proxy' ? 'name' : 'fqdn';
      throw new InputError(where, field, result.reason);
    }
    const key = result.fqdn.toLowerCase();
    if (this.policy !== undefined && !this.health.has(key)) {
      const policy = this.policy;
      const path = this.options.healthPath ?? '/';
      const checkers = spec.backends.map((b) => new BackendHealth(b.raw, () => probeHttp(b.ip, b.port, path, policy.timeoutS, this.options.connect), policy));
      this.health.set(key, checkers);
    }
    return { fqdn: result.fqdn };
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const proxy = this.node.proxyFor(host);
    this.options.metrics?.track(req, res, proxy?.fqdn);
    if (proxy === undefined) return gatewayReply(res, 404, `no gateway proxy for host '${host}'`);
    const checkers = this.health.get(proxy.fqdn.toLowerCase());
    // Without health checks zos forwards to its one backend whatever its state.
    const index = checkers === undefined ? 0 : checkers.findIndex((c) => c.healthy);
    const backend = proxy.spec.backends[index];
    if (backend === undefined) {
      const tried = proxy.spec.backends.map((b) => b.raw).join(', ');
      return gatewayReply(res, 503, `service unavailable: no healthy backend for ${proxy.fqdn} (all failing health checks: ${tried})`);
    }
    forward(req, res, backend, this.options.requestTimeoutS ?? 60, this.options.connect);
  }
}
