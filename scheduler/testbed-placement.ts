// Placement inside the Testbed: a CapacityIndex over the backend's capacity views, brought up to date
// once the clock has moved (only the nodes a NodeWatch names, when the backend has one), that also
// holds what queued creates will take. Leaves out the search (placement/).

import type { GridObserver, NodeCapacityView, NodeWatch } from '../workers/backend.js';
import { CapacityIndex } from './placement/capacity-index.js';
import type { Placement, PlacementPolicy, PlacementRequest } from './placement/capacity-record.js';
import type { Placer } from './reconciler/reconciler-types.js';

/** A read of the backend, run by the caller as the owner (through the lockstep gate). */
export type OwnerRead = <T>(read: () => Promise<T>) => Promise<T>;

interface Held {
  readonly node: number;
  readonly request: PlacementRequest;
}

export class TestbedPlacement {
  private index: CapacityIndex | undefined;
  private refreshedAtS = Number.NaN;
  /** A create finished since the last refresh: the backend now shows what it holds, so read again. */
  private dirty = true;
  /** Nodes whose held creates changed since the last refresh: their records are recomputed then. */
  private readonly heldChanged = new Set<number>();
  /** Creates queued and not finished, in submission order: the backend does not show them yet. */
  private readonly held = new Map<string, Held>();
  /** Reserved by the reconciler for the create it is about to submit. */
  private handed: Placement | undefined;

  /** With a watch, a refresh reads only the nodes it names (and those whose held creates changed). */
  constructor(
    private readonly observer: GridObserver,
    private readonly policy: Partial<PlacementPolicy> = {},
    private readonly watch?: NodeWatch,
  ) {}

  /** Whether the index may be used at `nowS` without reading the backend again. */
  fresh(nowS: number): boolean {
    return this.index !== undefined && !this.dirty && this.refreshedAtS === nowS;
  }

  /**
   * Brings the index up to date when stale: each node's record is the backend's view with every held
   * create on it re-reserved, so that placements at later instants still see work the grid has not
   * started. The first refresh (and every one without a watch) reads all nodes; later ones only the
   * nodes whose view or held creates changed, which gives the same records.
   */
  async refresh(nowS: number, read: OwnerRead): Promise<void> {
    if (this.fresh(nowS)) return;
    if (this.index === undefined || this.watch === undefined) await this.rebuild(read);
    else await this.update(this.index, read);
    this.heldChanged.clear();
    this.refreshedAtS = nowS;
    this.dirty = false;
  }

  private async rebuild(read: OwnerRead): Promise<void> {
    const views = await read(async () => {
      // Drained in the same read: the full view already holds every change noticed so far.
      this.watch?.changedCapacities();
      return this.observer.nodeCapacities();
    });
    const index = new CapacityIndex(views, this.policy);
    this.reserveHeld(index, undefined);
    this.index = index;
  }

  private async update(index: CapacityIndex, read: OwnerRead): Promise<void> {
    const views: readonly NodeCapacityView[] = await read(async () => {
      const nodes = mergeAscending(this.watch!.changedCapacities(), this.heldChanged);
      return nodes.length === 0 ? [] : this.observer.nodeCapacities(nodes);
    });
    if (views.length === 0) return;
    for (const view of views) index.upsert(view);
    this.reserveHeld(index, new Set(views.map((v) => v.node)));
  }

  /** Held creates (on `nodes` only, if given) reserved again in submission order, where they still fit. */
  private reserveHeld(index: CapacityIndex, nodes: ReadonlySet<number> | undefined): void {
    for (const { node, request } of this.held.values()) {
      if (nodes !== undefined && !nodes.has(node)) continue;
      const p = index.placeOn(node, request);
      if (p !== undefined) index.reserve(p);
    }
  }

  /** The best node for the request, reserved; undefined when none fits. Call refresh first. */
  placeAndReserve(request: PlacementRequest): Placement | undefined {
    const p = this.mustIndex().place(request);
    if (p !== undefined) this.mustIndex().reserve(p);
    return p;
  }

  /** A reserved placement whose job was never queued (submit refused it). */
  unreserve(p: Placement): void {
    // A node due to be recomputed at the next refresh may no longer hold the reservation.
    if (this.dirty && this.watch === undefined) return;
    if (!this.heldChanged.has(p.node)) this.index?.release(p);
  }

  /**
   * A deployment.create was queued for `node`. Unless its capacity is already reserved (it was
   * placed here), it is reserved now if it fits, so that later placements spread around it.
   */
  queued(jobId: string, node: number, request: PlacementRequest, reserved: boolean): void {
    if (this.handed !== undefined) {
      reserved = true;
      this.handed = undefined;
    }
    // Without a watch a dirty index is rebuilt whole; with one, only nodes in heldChanged are.
    const recomputed = this.watch === undefined ? this.dirty : this.heldChanged.has(node);
    if (!reserved && this.index !== undefined && !recomputed) {
      const p = this.index.placeOn(node, request);
      if (p !== undefined) this.index.reserve(p);
    }
    this.held.set(jobId, { node, request });
  }

  /** A job finished; if it was a held create, its node's record is recomputed before the next use. */
  finished(jobId: string): void {
    const held = this.held.get(jobId);
    if (held === undefined) return;
    this.held.delete(jobId);
    this.heldChanged.add(held.node);
    this.dirty = true;
  }

  /** The reconciler's view: the same index; its reservations are held like any queued create. */
  placer(): Placer {
    return {
      place: (request) => this.mustIndex().place(request),
      reserve: (p) => {
        this.mustIndex().reserve(p);
        this.handed = p;
      },
      release: (p) => {
        if (this.handed === p) this.handed = undefined;
        this.unreserve(p);
      },
      setUp: (node, up) => this.index?.setUp(node, up),
    };
  }

  private mustIndex(): CapacityIndex {
    if (this.index === undefined) throw new Error('placement: the capacity index was used before its first refresh');
    return this.index;
  }
}

/** The nodes of an ascending list and a set, ascending, each once. */
function mergeAscending(sorted: readonly number[], more: ReadonlySet<number>): number[] {
  if (more.size === 0) return [...sorted];
  return [...new Set([...sorted, ...more])].sort((a, b) => a - b);
}

const GiB = 2 ** 30;

/** What a request needed, for the E_CAPACITY message. */
export function describeRequest(r: PlacementRequest): string {
  const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;
  const parts = [`${gib(r.mruBytes)} memory`, `${r.vcpus} vCPU`];
  if ((r.ssdBytes ?? []).length > 0) parts.push(`SSD ${(r.ssdBytes ?? []).map(gib).join(' + ')}`);
  if ((r.hddBytes ?? []).length > 0) parts.push(`HDD ${(r.hddBytes ?? []).map(gib).join(' + ')}`);
  if ((r.ipv4 ?? 0) > 0) parts.push(`${r.ipv4} public IPv4`);
  return parts.join(', ');
}
