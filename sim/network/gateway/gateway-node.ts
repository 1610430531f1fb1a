// A zos gateway node: traefik on a node with a public config, holding name and FQDN proxies, with the
// node-side deploy checks of DOMAIN 1.10 and one pass of the hourly name-contract check (its clock is
// name-validation.ts). Leaves out ACME certificates and traffic (NU) accounting.

import { InputError } from '../../errors.js';
import type { BackendAddress } from './backend-address.js';
import type { HealthChecker } from './health.js';
import type { GatewayProxySpec } from './validate.js';

export interface GatewayNodeConfig {
  /** The underlay node id; path providers measure from here. */
  readonly node: number;
  /** The public config's domain; name proxies live under it. */
  readonly domain?: string;
  /** The public IPv4/IPv6 that FQDN records must point at. */
  readonly publicIps?: readonly string[];
  /** User networks (Z-Net) this node has joined, so backends inside them are reachable. */
  readonly networks?: readonly string[];
}

/** What the node asks the outside world while deploying. */
export interface GatewayDeployContext {
  readonly twin: number;
  /** tfchain: the owner twin of the name contract `name` in Created state, else undefined. */
  readonly nameContractOwner?: (name: string) => number | undefined;
  /** Public DNS: the A/AAAA records of a domain. */
  readonly resolve?: (fqdn: string) => readonly string[];
}

export type GatewayDeployResult = { readonly ok: true; readonly fqdn: string } | { readonly ok: false; readonly reason: string };

/** One proxy as traefik holds it, with our optional per-backend health checkers. */
export interface DeployedProxy {
  readonly workloadId: string;
  /** The deploying twin, which the hourly name-contract check compares against. */
  readonly twin: number;
  readonly fqdn: string;
  readonly spec: GatewayProxySpec;
  /** Same order as spec.backends; empty unless our backend failover was enabled. */
  backendHealth: HealthChecker[];
  /** traefik's round-robin position for this proxy's service (balancer.ts); reset when traefik restarts. */
  roundRobinNext: number;
}

export class GatewayNode {
  up = true;
  private readonly proxies = new Map<string, DeployedProxy>();

  constructor(readonly config: GatewayNodeConfig) {
    if (!(Number.isInteger(config.node) && config.node >= 0)) throw new InputError('gateway node', 'node', `must be an underlay node id, got ${config.node}`);
  }

  get node(): number {
    return this.config.node;
  }

  /** The node-side checks of zos's gateway module, in its order; the workload ends `error` on a failure. */
  deploy(workloadId: string, spec: GatewayProxySpec, context: GatewayDeployContext): GatewayDeployResult {
    if (!this.up) return { ok: false, reason: 'gateway node is down' };
    const fqdn = this.fqdnOf(spec, context);
    if (typeof fqdn !== 'string') return fqdn;
    const key = fqdn.toLowerCase();
    const held = this.proxies.get(key);
    // A re-run after reboot finds its own proxy in place (zos managers are idempotent).
    if (held?.workloadId === workloadId) return { ok: true, fqdn: held.fqdn };
    if (held !== undefined) return { ok: false, reason: `domain already registered: ${fqdn}` };
    if (spec.network !== undefined && !(this.config.networks ?? []).includes(spec.network)) {
      return { ok: false, reason: `gateway node is not part of network '${spec.network}'` };
    }
    this.proxies.set(key, { workloadId, twin: context.twin, fqdn, spec, backendHealth: [], roundRobinNext: 0 });
    return { ok: true, fqdn };
  }

  /** Deprovision; stops the proxy's health checkers. */
  remove(fqdn: string): boolean {
    const proxy = this.proxies.get(fqdn.toLowerCase());
    proxy?.backendHealth.forEach((checker) => checker.stop());
    return this.proxies.delete(fqdn.toLowerCase());
  }

  /**
   * zos's hourly check (DOMAIN 5.15; validateNameContracts in threefoldtech/zosbase
   * pkg/gateway/gateway.go): a name proxy whose contract is gone, not Created, or owned by another twin
   * is decommissioned; FQDN proxies are skipped. Returns the removed proxies so the caller can mark
   * them `deleted`.
   */
  revalidateNames(nameContractOwner: (name: string) => number | undefined): DeployedProxy[] {
    const invalid = [...this.proxies.values()].filter((p) => p.spec.type === 'gateway-name-proxy' && nameContractOwner(p.spec.name!) !== p.twin);
    invalid.forEach((proxy) => this.remove(proxy.fqdn));
    return invalid;
  }

  /** Host names are case-insensitive, as in DNS and traefik's Host rule. */
  proxyFor(host: string): DeployedProxy | undefined {
    return this.proxies.get(host.toLowerCase());
  }

  get hosts(): string[] {
    return [...this.proxies.values()].map((proxy) => proxy.fqdn);
  }

  /** The node loses power or network: every site it serves stops answering (DOMAIN 1.10, 5.15). */
  fail(): void {
    this.up = false;
  }

  /** Traefik's config lives on the node, so its proxies come back with it; a new traefik process starts its balancers afresh. */
  restore(): void {
    if (!this.up) for (const proxy of this.proxies.values()) proxy.roundRobinNext = 0;
    this.up = true;
  }

  /** Backends of a proxy in the workload's order: round-robin order, and failover priority with our option. */
  backendsOf(fqdn: string): readonly BackendAddress[] {
    return this.proxyFor(fqdn)?.spec.backends ?? [];
  }

  private fqdnOf(spec: GatewayProxySpec, context: GatewayDeployContext): string | GatewayDeployResult {
    const domain = this.config.domain;
    if (spec.type === 'gateway-name-proxy') {
      if (domain === undefined) return { ok: false, reason: 'gateway node has no public config with a domain' };
      const owner = context.nameContractOwner?.(spec.name!);
      if (owner === undefined) return { ok: false, reason: `no name contract in Created state for '${spec.name}'` };
      if (owner !== context.twin) return { ok: false, reason: `name contract '${spec.name}' is owned by twin ${owner}, not ${context.twin}` };
      return `${spec.name}.${domain}`;
    }
    const fqdn = spec.fqdn!;
    if (domain !== undefined && fqdn.toLowerCase().endsWith(`.${domain.toLowerCase()}`)) {
      return { ok: false, reason: `fqdn ${fqdn} must not be a subdomain of the gateway's domain ${domain}` };
    }
    const records = context.resolve?.(fqdn) ?? [];
    if (!records.some((ip) => (this.config.publicIps ?? []).includes(ip))) {
      return { ok: false, reason: `fqdn ${fqdn} does not resolve to this gateway's public IP` };
    }
    return fqdn;
  }
}
