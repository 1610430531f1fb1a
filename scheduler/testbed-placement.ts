// Placement inside the Testbed: a CapacityIndex over the backend's capacity views, rebuilt once the
// clock has moved, that also holds what queued creates will take. Leaves out the search (placement/).

import type { GridObserver, NodeCapacityView } from '../workers/backend.js';
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
  /** A create finished since the last refresh: the backend now shows what it holds, so rebuild. */
  private dirty = true;
  /** Creates queued and not finished, in submission order: the backend does not show them yet. */
  private readonly held = new Map<string, Held>();
  /** Reserved by the reconciler for the create it is about to submit. */
  private handed: Placement | undefined;

  constructor(
    private readonly observer: GridObserver,
    private readonly policy: Partial<PlacementPolicy> = {},
  ) {}

  /** Whether the index may be used at `nowS` without reading the backend again. */
  fresh(nowS: number): boolean {
    return this.index !== undefined && !this.dirty && this.refreshedAtS === nowS;
  }

  /**
   * Rebuilds the index when stale: the backend's views, then every held create re-reserved on its
   * node, so that placements at later instants still see work the grid has not started.
   */
  async refresh(nowS: number, read: OwnerRead): Promise<void> {
    if (this.fresh(nowS)) return;
    const views: readonly NodeCapacityView[] = await read(() => this.observer.nodeCapacities());
    const index = new CapacityIndex(views, this.policy);
    for (const { node, request } of this.held.values()) {
      const p = index.placeOn(node, request);
      if (p !== undefined) index.reserve(p);
    }
    this.index = index;
    this.refreshedAtS = nowS;
    this.dirty = false;
  }

  /** The best node for the request, reserved; undefined when none fits. Call refresh first. */
  placeAndReserve(request: PlacementRequest): Placement | undefined {
    const p = this.mustIndex().place(request);
    if (p !== undefined) this.mustIndex().reserve(p);
    return p;
  }

  /** A reserved placement whose job was never queued (submit refused it). */
  unreserve(p: Placement): void {
    if (!this.dirty) this.index?.release(p);
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
    if (!reserved && this.index !== undefined && !this.dirty) {
      const p = this.index.placeOn(node, request);
      if (p !== undefined) this.index.reserve(p);
    }
    this.held.set(jobId, { node, request });
  }

  /** A job finished; if it was a held create, the index is rebuilt before its next use. */
  finished(jobId: string): void {
    if (this.held.delete(jobId)) this.dirty = true;
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
