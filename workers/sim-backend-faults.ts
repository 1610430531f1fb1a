// The FaultInjector port on a simulated grid (a World): the harness's faults, acting on the model at
// the call's virtual instant. It lives with the scheduler's owner, beside SimBackend, even when workers
// run elsewhere. Leaves out scheduling faults in time (the harness's callers do that).

import type { World } from '../sim/grid/world.js';
import type { DiskFailureCause, FaultInjector } from './backend.js';
import { WorkerError, WorkerErrorCode } from './errors.js';

/**
 * Every method is `async` without an `await`: its body runs to the end within the call, so the
 * effect (and any rejection) is in place before the caller's next statement, as the port promises.
 */
export class SimFaultInjector implements FaultInjector {
  constructor(private readonly world: World) {}

  async powerOff(node: number): Promise<void> {
    this.mustHaveNode(node);
    this.world.grid.powerOff(node);
  }

  async powerOn(node: number): Promise<void> {
    this.mustHaveNode(node);
    this.world.grid.powerOn(node);
  }

  async crash(node: number): Promise<void> {
    this.mustHaveNode(node);
    this.world.grid.crash(node);
  }

  async repair(node: number): Promise<void> {
    this.mustHaveNode(node);
    this.world.grid.repair(node);
  }

  async reboot(node: number): Promise<void> {
    this.mustHaveNode(node);
    this.world.grid.reboot(node);
  }

  /** An SSD goes through World.failSsd, so VMs on its vdisks crash-loop (DOMAIN 5.1); a failed disk stays as it is. */
  async failDisk(node: number, device: 'ssd' | 'hdd', index: number, cause: DiskFailureCause = 'injected'): Promise<void> {
    this.mustHaveNode(node);
    const { grid } = this.world;
    const template = grid.template(node);
    const count = device === 'ssd' ? template.ssds.length : template.hdds.length;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) {
      throw new WorkerError(WorkerErrorCode.notFound, `node ${node} has no ${device} ${index} (it has ${count})`);
    }
    if (device === 'hdd') grid.hdd(node, index).fail(cause);
    else if (!grid.ssd(node, index).failed) this.world.failSsd(node, index);
  }

  async setHub(up: boolean): Promise<void> {
    this.world.hub.setUp(up);
  }

  // The network model is built on first use (world.net), as a network scenario or operation needs it.

  async cutLink(a: number, b: number): Promise<void> {
    this.world.net.cutLink(a, b);
  }

  async healLink(a: number, b: number): Promise<void> {
    this.world.net.healLink(a, b);
  }

  async partitionFarms(farms: readonly number[]): Promise<void> {
    const count = this.world.grid.farms.farmCount;
    for (const farm of farms) {
      if (!(Number.isInteger(farm) && farm >= 0 && farm < count)) throw new WorkerError(WorkerErrorCode.notFound, `farm ${farm} does not exist (the grid has ${count})`);
    }
    this.world.net.partitionFarms(farms);
  }

  async healPartition(): Promise<void> {
    this.world.net.healPartition();
  }

  private mustHaveNode(node: number): void {
    mustHaveNode(this.world, node);
  }
}

/** E_NOT_FOUND naming the node and the grid's size; SimBackend's calls check nodes the same way. */
export function mustHaveNode(world: World, node: number): void {
  const count = world.grid.nodeCount;
  if (!(Number.isInteger(node) && node >= 0 && node < count)) {
    throw new WorkerError(WorkerErrorCode.notFound, `node ${node} does not exist (the grid has ${count})`);
  }
}
