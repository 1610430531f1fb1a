// The NodeWatch a SimBackend gives: which nodes changed power or free capacity since the last ask,
// fed by the model's own change notices (power, capacity, workload results). Leaves out the values.

import type { World } from '../sim/grid/world.js';
import type { NodeWatch } from './backend.js';

/** Nodes marked since the last take(), each once: a flag per node and the list of those flagged. */
class ChangedNodes {
  private readonly flags: Uint8Array;
  private marked: number[] = [];

  constructor(nodeCount: number) {
    this.flags = new Uint8Array(nodeCount);
  }

  add(node: number): void {
    if (this.flags[node] === 1) return;
    this.flags[node] = 1;
    this.marked.push(node);
  }

  /** The marked nodes, ascending, and a fresh start. */
  take(): number[] {
    const out = this.marked;
    this.marked = [];
    for (const node of out) this.flags[node] = 0;
    return out.sort((a, b) => a - b);
  }
}

export class SimNodeWatch implements NodeWatch {
  private readonly power: ChangedNodes;
  private readonly capacity: ChangedNodes;
  private closed = false;

  /** `onChange` hears a node go down or come back as it happens (a reboot is neither). */
  constructor(world: World, private readonly onChange?: (node: number) => void) {
    this.power = new ChangedNodes(world.grid.nodeCount);
    this.capacity = new ChangedNodes(world.grid.nodeCount);
    // The grid's notices cannot be unsubscribed: a closed watch ignores them.
    world.grid.onPower((node, event) => {
      if (this.closed) return;
      // A reboot re-runs the node's deployments: their results, and so the vCPUs in use, may change.
      this.capacity.add(node);
      if (event === 'reboot') return;
      this.power.add(node);
      this.onChange?.(node);
    });
    world.grid.watchCapacity((node) => this.touched(node));
    // A workload's result decides whether its vCPUs count as used (released once deleted or in error).
    world.provision.onChange((node) => this.touched(node));
  }

  /** A change the backend made itself that the model may not report as a capacity change. */
  touched(node: number): void {
    if (!this.closed) this.capacity.add(node);
  }

  changed(): number[] {
    return this.closed ? [] : this.power.take();
  }

  changedCapacities(): number[] {
    return this.closed ? [] : this.capacity.take();
  }

  close(): void {
    this.closed = true;
  }
}
