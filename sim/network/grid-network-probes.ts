// Deterministic probe traffic over the Planetary Network: every interval, random pairs of powered nodes
// send one packet each through their sessions. Leaves out packet timing (a route is traced in one instant).

import type { Rng } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import { InputError } from '../errors.js';
import { RouteStatus } from './planetary/greedy.js';
import type { PlanetaryOverlay } from './planetary/overlay.js';
import { ShortestPaths } from './topology/shortest-paths.js';

/** Draws per pair before giving up on finding two powered nodes (a mostly-off grid). */
const DRAW_TRIES = 16;

export class PlanetaryProbes {
  routed = 0;
  delivered = 0;
  private stretchSum = 0;
  private generation = 0;
  private readonly shortest: ShortestPaths;

  constructor(
    private readonly sim: Simulation,
    private readonly overlay: PlanetaryOverlay,
    private readonly rng: Rng,
  ) {
    this.shortest = new ShortestPaths(overlay.topology, overlay.nodeUp, overlay.linkUp);
  }

  get meanStretch(): number {
    return this.delivered === 0 ? NaN : this.stretchSum / this.delivered;
  }

  /** Restarting replaces the running schedule; the counters keep accumulating. */
  start(intervalS: number, pairs: number): void {
    if (!(intervalS > 0 && intervalS < Infinity)) throw new InputError('startProbes', 'intervalS', `must be finite and > 0, got ${intervalS}`);
    if (!(Number.isInteger(pairs) && pairs >= 1)) throw new InputError('startProbes', 'pairs', `must be a whole number >= 1, got ${pairs}`);
    const generation = ++this.generation;
    const self = this;
    this.sim.process(
      (function* () {
        for (;;) {
          yield intervalS;
          if (self.generation !== generation) return;
          for (let i = 0; i < pairs; i++) self.probe();
        }
      })(),
      'planetary probes',
    );
  }

  stop(): void {
    this.generation++;
  }

  private probe(): void {
    const n = this.overlay.topology.nodeCount;
    if (n < 2) return;
    for (let tries = 0; tries < DRAW_TRIES; tries++) {
      const src = this.rng.int(0, n);
      const dst = this.rng.int(0, n);
      if (src === dst || this.overlay.nodeUp[src] === 0 || this.overlay.nodeUp[dst] === 0) continue;
      this.routed++;
      const result = this.overlay.send(src, dst);
      if (result.status !== RouteStatus.delivered) return;
      this.delivered++;
      const best = this.shortest.bfs(src, [dst])[dst]!;
      this.stretchSum += best > 0 ? result.hops / best : 1;
      return;
    }
  }
}
