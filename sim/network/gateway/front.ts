// The DNS-like front that tells clients which gateway serves a host. Real behaviour: one record, so a
// dead gateway node is a dead site. Our addition: several records in order, with health-checked failover.
// Leaves out DNS TTLs and resolver caches (a client sees a change at once).

import type { Simulation } from '../../engine/simulation.js';
import type { GatewayNode } from './gateway-node.js';
import { HealthChecker, type HealthCheckPolicy, type HealthListener } from './health.js';

export interface FrontHealthOptions {
  readonly policy: HealthCheckPolicy;
  /** The monitor's round trip to a live gateway; a dead one never answers. */
  readonly probeRttS: number;
  /** Called when a gateway flips; the service logs it. */
  readonly onChange?: (gateway: GatewayNode, healthy: boolean, atS: number) => void;
}

export class GatewayFront {
  private readonly records = new Map<string, GatewayNode[]>();
  private readonly checks = new Map<GatewayNode, HealthChecker>();
  private health: FrontHealthOptions | undefined;

  constructor(private readonly sim: Simulation) {}

  /** Appends `gateway` to the host's records; the first record is the primary. */
  addRecord(host: string, gateway: GatewayNode): void {
    const key = host.toLowerCase();
    const list = this.records.get(key) ?? [];
    if (!list.includes(gateway)) list.push(gateway);
    this.records.set(key, list);
    if (this.health !== undefined) this.watch(gateway);
  }

  removeRecord(host: string, gateway: GatewayNode): void {
    const list = (this.records.get(host.toLowerCase()) ?? []).filter((g) => g !== gateway);
    if (list.length === 0) this.records.delete(host.toLowerCase());
    else this.records.set(host.toLowerCase(), list);
  }

  recordsFor(host: string): readonly GatewayNode[] {
    return this.records.get(host.toLowerCase()) ?? [];
  }

  /** Our addition: from now on, every gateway with a record is probed, and resolve() skips unhealthy ones. */
  enableHealthChecks(options: FrontHealthOptions): void {
    this.health = options;
    for (const list of this.records.values()) list.forEach((gateway) => this.watch(gateway));
  }

  /** The gateway a client is sent to: the first healthy record, else the primary (which will not answer). */
  resolve(host: string): GatewayNode | undefined {
    const list = this.recordsFor(host);
    return list.find((gateway) => this.checks.get(gateway)?.healthy ?? true) ?? list[0];
  }

  healthOf(gateway: GatewayNode): HealthChecker | undefined {
    return this.checks.get(gateway);
  }

  stop(): void {
    for (const checker of this.checks.values()) checker.stop();
  }

  private watch(gateway: GatewayNode): void {
    const health = this.health;
    if (health === undefined || this.checks.has(gateway)) return;
    const onChange: HealthListener = (healthy, atS) => health.onChange?.(gateway, healthy, atS);
    const probe = (): number | undefined => (gateway.up ? health.probeRttS : undefined);
    this.checks.set(gateway, new HealthChecker(this.sim, `gateway ${gateway.node}`, probe, health.policy, onChange));
  }
}
