// Change notices for a node's free capacity: whoever keeps a copy of the grid's free capacity (the
// scheduler's index) hears which nodes to read again instead of reading them all. Notices only, no values.

/** `node` may have changed its free memory, disk space, farm IPv4 or usable devices. */
export type CapacityListener = (node: number) => void;

export class CapacityNotices {
  private readonly listeners: CapacityListener[] = [];

  listen(listener: CapacityListener): void {
    this.listeners.push(listener);
  }

  /** Nothing to do without listeners: a run that watches nothing pays one length check per change. */
  node(node: number): void {
    const all = this.listeners;
    for (let i = 0; i < all.length; i++) all[i]!(node);
  }

  /** Every node of a farm: a farm's public IPv4 pool is shared by its nodes. */
  nodes(firstNode: number, nodeCount: number): void {
    if (this.listeners.length === 0) return;
    for (let node = firstNode; node < firstNode + nodeCount; node++) this.node(node);
  }
}
