// zos re-validates gateway name contracts every hour (DOMAIN 1.10, 7) and decommissions name proxies whose
// contract vanished or changed owner: nameContractsValidator in threefoldtech/zosbase pkg/gateway/gateway.go,
// a ticker of validationPeriod = 1 h that the gateway module starts when the node boots, so each node
// keeps its own phase, its first round comes an hour after boot, and a reboot starts the hour again.
// Leaves out the chain query's own latency and failures (zos keeps a proxy when the query fails).

import { InputError } from '../../errors.js';
import type { GatewayService } from './service.js';

/** zos checks name contracts hourly. */
export const NAME_VALIDATION_EVERY_S = 3600;

export type NameDecommissionListener = (workloadIds: readonly string[], atS: number) => void;

/** One ticker per gateway node, following the node's power through the service's lifecycle hooks. */
export class NameValidation {
  /** The pending tick of each running node's ticker, to cancel when the node goes down. */
  private readonly pending = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly service: GatewayService,
    private readonly nameContractOwner: (name: string) => number | undefined,
    private readonly onDecommission: NameDecommissionListener | undefined,
    readonly everyS: number,
  ) {
    if (!(everyS > 0 && everyS < Infinity)) throw new InputError('name validation', 'everyS', `must be finite and > 0, got ${everyS}`);
  }

  /** The node booted and its gateway module started: the first round comes one period later. */
  boot(node: number): void {
    if (this.stopped) return;
    this.halt(node);
    this.pending.set(node, this.service.sim.schedule(this.everyS, () => this.tick(node)));
  }

  /** The node went down: its ticker dies with the module. */
  halt(node: number): void {
    const handle = this.pending.get(node);
    if (handle !== undefined) this.service.sim.cancel(handle);
    this.pending.delete(node);
  }

  /** Ends every ticker, leaving nothing scheduled. */
  stop(): void {
    this.stopped = true;
    for (const node of [...this.pending.keys()]) this.halt(node);
  }

  private tick(node: number): void {
    this.pending.delete(node);
    const removed = this.service.revalidateNameContractsOn(node, this.nameContractOwner);
    if (removed.length > 0) this.onDecommission?.(removed, this.service.sim.nowS);
    this.boot(node);
  }
}

/** Starts a ticker on every live gateway now, and on every gateway as it boots or is added later. */
export function startNameValidation(
  service: GatewayService,
  nameContractOwner: (name: string) => number | undefined,
  onDecommission?: NameDecommissionListener,
  everyS = NAME_VALIDATION_EVERY_S,
): NameValidation {
  const validation = new NameValidation(service, nameContractOwner, onDecommission, everyS);
  service.addLifecycleListener(validation);
  return validation;
}
