// When a Mycelium router declares a peer dead after its link fails: at once on a connection error, or
// at the first 10 s check that finds 43 s without an IHU. Computed from per-node timer phases instead
// of simulating every hello (no per-host periodic ticks): the result is the same instant.

import { deadPeerCheckIntervalS, deadPeerThresholdS, helloIntervalS } from './constants.js';

export interface TimerPhases {
  /** Seconds into the 20 s hello cycle at which each node sends its hellos. */
  readonly helloPhaseS: Float64Array;
  /** Seconds into the 10 s cycle at which each node checks for dead peers. */
  readonly checkPhaseS: Float64Array;
}

/**
 * The instant node `u` removes the peer behind a link that failed silently at `failS`, whose round trip
 * is `rttS` (router.rs check_for_dead_peers; time_last_received_ihu is set by handle_incoming_ihu).
 * The last IHU is the reply to the last hello whose answer got back before the failure.
 */
export function silentDetectionS(phases: TimerPhases, u: number, failS: number, rttS: number): number {
  const helloPhase = phases.helloPhaseS[u]!;
  const hello = helloPhase + Math.floor((failS - rttS - helloPhase) / helloIntervalS) * helloIntervalS;
  // Routers start with their first IHU time at start-up; before the first hello the peer counts as fresh from 0.
  const lastIhuS = hello + rttS >= 0 && hello >= 0 ? hello + rttS : 0;
  const checkPhase = phases.checkPhaseS[u]!;
  // First check strictly after the failure at which the IHU is more than 43 s old.
  const earliest = Math.max(failS, lastIhuS + deadPeerThresholdS);
  let check = checkPhase + Math.ceil((earliest - checkPhase) / deadPeerCheckIntervalS) * deadPeerCheckIntervalS;
  while (check <= earliest || check - lastIhuS <= deadPeerThresholdS) check += deadPeerCheckIntervalS;
  return check;
}
