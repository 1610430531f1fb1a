// The reconciler's tracked contracts indexed by the node they run on, so that a node going down
// touches only its own contracts. Ids only; what is known about each contract stays in the reconciler.

const none: ReadonlySet<number> = new Set();

export class ContractsByNode {
  private readonly byNode = new Map<number, Set<number>>();
  private readonly nodeOf = new Map<number, number>();

  /** The contract runs on `node` now (it is added, or moved from the node it was on). */
  set(contractId: number, node: number): void {
    const before = this.nodeOf.get(contractId);
    if (before === node) return;
    if (before !== undefined) this.remove(contractId, before);
    this.nodeOf.set(contractId, node);
    let set = this.byNode.get(node);
    if (set === undefined) this.byNode.set(node, (set = new Set()));
    set.add(contractId);
  }

  delete(contractId: number): void {
    const node = this.nodeOf.get(contractId);
    if (node === undefined) return;
    this.nodeOf.delete(contractId);
    this.remove(contractId, node);
  }

  /** The contracts on `node`, in the order they arrived there; callers sort when order matters. */
  on(node: number): ReadonlySet<number> {
    return this.byNode.get(node) ?? none;
  }

  private remove(contractId: number, node: number): void {
    const set = this.byNode.get(node)!;
    set.delete(contractId);
    if (set.size === 0) this.byNode.delete(node);
  }
}
