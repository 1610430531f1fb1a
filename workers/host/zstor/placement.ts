// Which backends take new shards: those that answered a probe lately with room for a shard (zstor
// writes to Healthy backends only), spread by the simulator's own `placeShards` group rules.

import type { Rng } from '../../../sim/engine/rng.js';
import { placeShards, type GroupCandidates } from '../../../sim/storage/zstor/placement.js';
import type { ZstorPolicy } from '../../../sim/storage/zstor/types.js';
import type { ZstorEndpoint } from './config.js';
import { probeFreeBytes } from './shards.js';
import type { ZdbPool } from './zdb-pool.js';

interface Probe {
  readonly atMs: number;
  readonly freeBytes: number | null;
}

/**
 * zstor polls every backend every 3 s in the background, so a store never waits on a hung one. Here
 * a probe older than `ttlMs` is refreshed in the background while its last answer is used; only a
 * backend never probed (or forgotten) is waited for. A write that fails marks it down at once.
 */
export class HealthCache {
  private readonly probes = new Map<string, Probe>();
  private readonly inFlight = new Map<string, Promise<Probe>>();

  constructor(
    private readonly pool: ZdbPool,
    private readonly ttlMs: number,
  ) {}

  /** Free bytes per endpoint (null = did not answer its last probe). */
  async freeBytes(endpoints: readonly ZstorEndpoint[]): Promise<Map<string, number | null>> {
    const now = Date.now();
    await Promise.all(
      endpoints.map(async (e) => {
        const last = this.probes.get(e.id);
        if (last !== undefined && now - last.atMs < this.ttlMs) return;
        const probe = this.probe(e);
        if (last === undefined) await probe;
      }),
    );
    return new Map(endpoints.map((e) => [e.id, this.probes.get(e.id)!.freeBytes]));
  }

  markFailed(endpoint: ZstorEndpoint): void {
    this.probes.set(endpoint.id, { atMs: Date.now(), freeBytes: null });
  }

  /** Forget every answer: the next placement waits for fresh probes (a repair sweep starts so). */
  forget(): void {
    this.probes.clear();
  }

  private probe(e: ZstorEndpoint): Promise<Probe> {
    let p = this.inFlight.get(e.id);
    if (p === undefined) {
      p = probeFreeBytes(this.pool, e).then((freeBytes) => {
        const probe = { atMs: Date.now(), freeBytes };
        this.probes.set(e.id, probe);
        this.inFlight.delete(e.id);
        return probe;
      });
      this.inFlight.set(e.id, p);
    }
    return p;
  }
}

/**
 * Picks backends for `indexes.length` new shards. `pinned` backends already hold intact shards of
 * the object (repair keeps them), `excluded` ones must not be used (they failed this attempt).
 * Returns the new backends in `indexes` order, or null when no spread passes the group rules.
 */
export async function placeNewShards(
  groups: readonly (readonly ZstorEndpoint[])[],
  policy: ZstorPolicy,
  rng: Rng,
  health: HealthCache,
  neededBytes: number,
  pinned: ReadonlySet<string>,
  excluded: ReadonlySet<string>,
): Promise<ZstorEndpoint[] | null> {
  const free = await health.freeBytes(groups.flat().filter((e) => !pinned.has(e.id) && !excluded.has(e.id)));
  const writable = (e: ZstorEndpoint): boolean => {
    const bytes = free.get(e.id);
    return bytes !== undefined && bytes !== null && bytes >= neededBytes;
  };
  const candidates: GroupCandidates<ZstorEndpoint>[] = groups.map((g) => ({
    pinned: g.filter((e) => pinned.has(e.id)),
    free: g.filter((e) => !pinned.has(e.id) && !excluded.has(e.id) && writable(e)),
  }));
  const chosen = placeShards(candidates, policy, rng);
  if (chosen === null) return null;
  return chosen.filter((e) => !pinned.has(e.id));
}
