// Shared by the zdb tests: a 0-db server on a simulated HDD, and a way to run one command to its end.
// Leaves out concurrency: each command is run alone until the simulation is idle.

import type { SimEvent } from '../../sim/engine/events.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Hdd } from '../../sim/hardware/hdd.js';
import { loadProfiles } from '../../sim/hardware/profiles.js';
import { ZdbServer } from '../../sim/storage/zdb/server.js';

export const catalog = loadProfiles();

export function makeServer(seed = 1): { sim: Simulation; hdd: Hdd; server: ZdbServer } {
  const sim = new Simulation();
  const hdd = new Hdd(catalog.hdd('hdd-exos-x18'), { sim, rng: new RngStreams(seed).stream('hdd'), armFailure: false });
  return { sim, hdd, server: new ZdbServer(sim, hdd) };
}

export type Outcome<T> = { ok: true; value: T; atS: number } | { ok: false; error: unknown; atS: number };

/** Runs the simulation until `event` is processed (and everything else settles); never throws its failure. */
export function settle<T>(sim: Simulation, event: SimEvent<T>): Outcome<T> {
  let outcome: Outcome<T> | undefined;
  event.onProcessed((e) => {
    if (!e.ok) e.defused = true;
    outcome = e.ok ? { ok: true, value: e.value as T, atS: sim.nowS } : { ok: false, error: e.error, atS: sim.nowS };
  });
  sim.run();
  if (outcome === undefined) throw new Error('command never completed');
  return outcome;
}

/** The value of a command that must succeed. */
export function must<T>(sim: Simulation, event: SimEvent<T>): T {
  const outcome = settle(sim, event);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
