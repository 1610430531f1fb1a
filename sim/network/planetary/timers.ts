// The soft-state timers of the Planetary Network's router (ironwood defaults, DOMAIN 4 and 7).
// Leaves out wire-level keepalive traffic: timers are turned into events only when state changes.

import { InputError } from '../../errors.js';

export interface PlanetaryTimers {
  /** Each node re-signs its tree record, and re-evaluates its parent, this often (ironwood: 4 min). */
  readonly routerRefreshS: number;
  /** A record not refreshed for this long is dropped (ironwood: 5 min); a dead root lingers this long. */
  readonly routerTimeoutS: number;
  /** A silent peer is declared down after this (ironwood: 3 s, with 1 s keepalives). */
  readonly peerTimeoutS: number;
  /** A cached destination's coordinates are looked up again after this (ironwood: 1 min). */
  readonly pathTimeoutS: number;
}

export const ironwoodTimers: PlanetaryTimers = {
  routerRefreshS: 240,
  routerTimeoutS: 300,
  peerTimeoutS: 3,
  pathTimeoutS: 60,
};

/** Validated once; the overlay never checks them again. */
export function compileTimers(overrides: Partial<PlanetaryTimers> = {}): PlanetaryTimers {
  const timers = { ...ironwoodTimers, ...overrides };
  for (const [field, value] of Object.entries(timers)) {
    if (!(value > 0 && value < Infinity)) throw new InputError('planetary timers', field, `must be finite and > 0, got ${value}`);
  }
  if (timers.routerTimeoutS <= timers.routerRefreshS) {
    throw new InputError('planetary timers', 'routerTimeoutS', 'must exceed routerRefreshS, or live records would expire between refreshes');
  }
  return timers;
}
