// Web Gateway traffic: a client resolves a host, reaches a gateway node, the gateway forwards to a
// backend over a BackendPathProvider. Real zos by default (round robin over every backend, no health
// check: balancer.ts); our health-checked failover only when asked for. Leaves out bandwidth and
// queueing at the gateway (a service time stands for the proxy's work).

import { InputError } from '../../errors.js';
import { constant, type Distribution } from '../../engine/distributions.js';
import type { SimEvent } from '../../engine/events.js';
import { Rng } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Trace } from '../../engine/trace.js';
import { gatewayFailoverModes, pickBackend, type GatewayFailover } from './balancer.js';
import { GatewayFront } from './front.js';
import { GatewayNode, type GatewayDeployContext, type GatewayDeployResult, type GatewayNodeConfig } from './gateway-node.js';
import { compileHealthCheck, HealthChecker, type HealthCheckPolicy } from './health.js';
import type { BackendPathProvider } from './path.js';
import { compileGatewayProxy, type GatewayProxyType, type GatewayValidateOptions } from './validate.js';

/** `no-answer`: the gateway is down, the client times out. The others carry an HTTP status. */
export type RequestOutcome = 'ok' | 'bad-gateway' | 'no-healthy-backend' | 'no-answer' | 'unknown-host' | 'not-found';

const statusOf: Readonly<Record<RequestOutcome, number | undefined>> = {
  ok: 200,
  'bad-gateway': 502,
  'no-healthy-backend': 503,
  'no-answer': undefined,
  'unknown-host': undefined,
  'not-found': 404,
};

export interface RequestRecord {
  readonly seq: number;
  readonly atS: number;
  readonly host: string;
  readonly outcome: RequestOutcome;
  readonly status: number | undefined;
  /** Underlay node of the gateway the client reached (even a dead one), if DNS named one. */
  readonly gateway: number | undefined;
  /** The backend as the workload wrote it, when the gateway chose one. */
  readonly backend: string | undefined;
  /** Client leg + 2 × gateway→backend + service time for `ok`; the client leg alone for 502/503/404; none without an answer. */
  readonly latencyS: number | undefined;
}

export interface GatewayServiceOptions {
  readonly paths: BackendPathProvider;
  /** The gateway's own time per request (traefik, TLS); default a constant 1 ms. */
  readonly serviceTime?: Distribution;
  /** The stream service times are drawn from; pass RngStreams.stream('gateway') for seeded runs. */
  readonly rng?: Rng;
  readonly trace?: Trace;
  /**
   * How a proxy picks among its backends. `none` (default) is zos: round robin over all of them, so a
   * dead one keeps failing its share. `health-check` is our failover: every proxy deployed on this
   * service probes its backends with `failoverPolicy` and sends each request to the first healthy one.
   */
  readonly failover?: GatewayFailover;
  readonly failoverPolicy?: Partial<HealthCheckPolicy>;
}

/** Told when a gateway node's module starts (added while up, or booted) and when it goes down. */
export interface GatewayLifecycleListener {
  boot(node: number): void;
  halt(node: number): void;
}

export class GatewayService {
  readonly log: RequestRecord[] = [];
  readonly front: GatewayFront;
  private readonly gateways = new Map<number, GatewayNode>();
  private readonly serviceTime: Distribution;
  private readonly rng: Rng;
  private sequence = 0;
  private readonly lifecycle: GatewayLifecycleListener[] = [];
  /** Set only with `failover: 'health-check'`: the policy every deployed proxy's checkers use. */
  private readonly failoverPolicy: HealthCheckPolicy | undefined;

  constructor(
    readonly sim: Simulation,
    private readonly options: GatewayServiceOptions,
  ) {
    this.front = new GatewayFront(sim);
    this.serviceTime = options.serviceTime ?? constant(0.001);
    this.rng = options.rng ?? new Rng('gateway-service');
    const failover = options.failover ?? 'none';
    if (!gatewayFailoverModes.includes(failover)) throw new InputError('gateway service', 'failover', `must be one of ${gatewayFailoverModes.join(', ')}, got ${JSON.stringify(failover)}`);
    if (failover === 'health-check') this.failoverPolicy = compileHealthCheck('gateway service failoverPolicy', options.failoverPolicy ?? {});
  }

  addGateway(config: GatewayNodeConfig): GatewayNode {
    if (this.gateways.has(config.node)) throw new InputError('gateway service', 'node', `node ${config.node} is already a gateway`);
    const gateway = new GatewayNode(config);
    this.gateways.set(config.node, gateway);
    this.lifecycle.forEach((listener) => listener.boot(config.node));
    return gateway;
  }

  /** Registers `listener` and boots it on every gateway that is up now. */
  addLifecycleListener(listener: GatewayLifecycleListener): void {
    this.lifecycle.push(listener);
    for (const gateway of this.gateways.values()) if (gateway.up) listener.boot(gateway.node);
  }

  /** The node's gateway, or undefined: for callers on hot paths (every power change) where a miss is normal. */
  gatewayIfAny(node: number): GatewayNode | undefined {
    return this.gateways.get(node);
  }

  gateway(node: number): GatewayNode {
    const gateway = this.gateways.get(node);
    if (gateway === undefined) throw new InputError('gateway service', 'node', `node ${node} is not a gateway`);
    return gateway;
  }

  /** Validates, runs the node's deploy checks and publishes the DNS record; a failure names its field or reason. */
  deploy(node: number, workloadId: string, type: GatewayProxyType, data: unknown, context: GatewayDeployContext, validate?: GatewayValidateOptions): GatewayDeployResult {
    const gateway = this.gateway(node);
    let spec;
    try {
      spec = compileGatewayProxy(workloadId, type, data, validate);
    } catch (error) {
      if (error instanceof InputError) return { ok: false, reason: error.message };
      throw error;
    }
    const result = gateway.deploy(workloadId, spec, context);
    if (result.ok) this.front.addRecord(result.fqdn, gateway);
    // A re-deploy of the same workload keeps its running checkers.
    const unchecked = result.ok && gateway.proxyFor(result.fqdn)!.backendHealth.length === 0;
    if (unchecked && this.failoverPolicy !== undefined) this.enableBackendFailover(node, result.fqdn, this.failoverPolicy);
    this.options.trace?.record(this.sim.nowS, `gateway ${node} deploy ${workloadId} ${result.ok ? result.fqdn : `error: ${result.reason}`}`);
    return result;
  }

  remove(node: number, fqdn: string): void {
    const gateway = this.gateway(node);
    gateway.remove(fqdn);
    this.front.removeRecord(fqdn, gateway);
  }

  /** One pass of zos's name-contract check on every live gateway; returns the decommissioned workload ids. */
  revalidateNameContracts(nameContractOwner: (name: string) => number | undefined): string[] {
    return [...this.gateways.keys()].flatMap((node) => this.revalidateNameContractsOn(node, nameContractOwner));
  }

  /** One pass on one gateway, as its own ticker runs it; nothing when the node is down. */
  revalidateNameContractsOn(node: number, nameContractOwner: (name: string) => number | undefined): string[] {
    const gateway = this.gateway(node);
    if (!gateway.up) return [];
    return gateway.revalidateNames(nameContractOwner).map((proxy) => {
      this.front.removeRecord(proxy.fqdn, gateway);
      this.options.trace?.record(this.sim.nowS, `gateway ${node} decommission ${proxy.workloadId}: name contract '${proxy.spec.name}' no longer valid`);
      return proxy.workloadId;
    });
  }

  failGateway(node: number): void {
    const wasUp = this.gateway(node).up;
    this.gateway(node).fail();
    if (wasUp) this.lifecycle.forEach((listener) => listener.halt(node));
    this.options.trace?.record(this.sim.nowS, `gateway ${node} down`);
  }

  restoreGateway(node: number): void {
    const wasUp = this.gateway(node).up;
    this.gateway(node).restore();
    if (!wasUp) this.lifecycle.forEach((listener) => listener.boot(node));
    this.options.trace?.record(this.sim.nowS, `gateway ${node} up`);
  }

  /** Our addition: health-check every gateway and let DNS skip unhealthy ones. */
  enableGatewayFailover(policy: Partial<HealthCheckPolicy> = {}, probeRttS = 0.01): HealthCheckPolicy {
    const compiled = compileHealthCheck('gateway failover', policy);
    if (!(probeRttS >= 0 && probeRttS < Infinity)) throw new InputError('gateway failover', 'probeRttS', `must be finite and >= 0, got ${probeRttS}`);
    const onChange = (gateway: GatewayNode, healthy: boolean, atS: number): void =>
      this.options.trace?.record(atS, `gateway ${gateway.node} ${healthy ? 'healthy' : 'unhealthy'}`);
    this.front.enableHealthChecks({ policy: compiled, probeRttS, onChange });
    return compiled;
  }

  /** Our addition: the gateway probes each backend of `fqdn` over its path and forwards to the first healthy one. */
  enableBackendFailover(node: number, fqdn: string, policy: Partial<HealthCheckPolicy> = {}): HealthCheckPolicy {
    const gateway = this.gateway(node);
    const proxy = gateway.proxyFor(fqdn);
    if (proxy === undefined) throw new InputError('backend failover', 'fqdn', `gateway ${node} serves no '${fqdn}'`);
    const compiled = compileHealthCheck('backend failover', policy);
    proxy.backendHealth.forEach((checker) => checker.stop());
    proxy.backendHealth = proxy.spec.backends.map((backend) => {
      const probe = (): number | undefined => {
        const path = gateway.up ? this.options.paths(gateway.node, backend) : undefined;
        return path === undefined ? undefined : 2 * path.latencyS;
      };
      const onChange = (healthy: boolean, atS: number): void =>
        this.options.trace?.record(atS, `gateway ${node} backend ${backend.raw} ${healthy ? 'healthy' : 'unhealthy'}`);
      return new HealthChecker(this.sim, `gateway ${node} backend ${backend.raw}`, probe, compiled, onChange);
    });
    return compiled;
  }

  /** A request from a client at `atS` (now or later); the record is also appended to `log`. */
  request(host: string, atS: number, clientLatencyS = 0): SimEvent<RequestRecord> {
    if (!(clientLatencyS >= 0 && clientLatencyS < Infinity)) throw new InputError('gateway request', 'clientLatencyS', `must be finite and >= 0, got ${clientLatencyS}`);
    if (!(atS >= this.sim.nowS && atS < Infinity)) throw new InputError('gateway request', 'atS', `must be now (${this.sim.nowS} s) or later, got ${atS}`);
    const done = this.sim.event<RequestRecord>();
    this.sim.scheduleAt(atS, () => done.succeed(this.serve(host, clientLatencyS)));
    return done;
  }

  /** Serves one request at the current virtual time. */
  serve(host: string, clientLatencyS = 0): RequestRecord {
    const gateway = this.front.resolve(host);
    const answer = (outcome: RequestOutcome, backend?: string, latencyS?: number): RequestRecord =>
      this.record(host, outcome, gateway?.node, backend, latencyS);
    if (gateway === undefined) return answer('unknown-host');
    if (!gateway.up) return answer('no-answer');
    const proxy = gateway.proxyFor(host);
    if (proxy === undefined) return answer('not-found', undefined, clientLatencyS);
    const index = pickBackend(proxy);
    // traefik answers 503 when its health check has taken every server out (wrr.go errNoAvailableServer).
    if (index < 0) return answer('no-healthy-backend', undefined, clientLatencyS);
    const backend = proxy.spec.backends[index]!;
    const path = this.options.paths(gateway.node, backend);
    // No retry: zos configures no retry middleware, so the request that drew a dead backend fails.
    // traefik maps a refused or unroutable dial to 502 (the proxy's ErrorHandler in traefik/traefik
    // v2.9 pkg/server/service/proxy.go, ComputeStatusCode in pkg/proxy/httputil/proxy.go since); a host
    // that drops SYNs silently would give 504 after the 30 s default dialTimeout instead, which this
    // model folds into 502 with no wait.
    if (path === undefined) return answer('bad-gateway', backend.raw, clientLatencyS);
    return answer('ok', backend.raw, clientLatencyS + 2 * path.latencyS + this.serviceTime.sample(this.rng));
  }

  /** Health checkers run forever; stop them to let a run without `untilS` end. */
  stopHealthChecks(): void {
    this.front.stop();
    for (const gateway of this.gateways.values()) {
      for (const fqdn of gateway.hosts) gateway.proxyFor(fqdn)!.backendHealth.forEach((checker) => checker.stop());
    }
  }

  private record(host: string, outcome: RequestOutcome, gateway: number | undefined, backend: string | undefined, latencyS: number | undefined): RequestRecord {
    const entry: RequestRecord = { seq: this.sequence++, atS: this.sim.nowS, host, outcome, status: statusOf[outcome], gateway, backend, latencyS };
    this.log.push(entry);
    this.options.trace?.record(entry.atS, `request ${entry.seq} ${host} ${outcome} gw=${gateway ?? '-'} be=${backend ?? '-'} latencyS=${latencyS ?? '-'}`);
    return entry;
  }
}
