// zstor's compiled policy, health states, timers and errors (DOMAIN.md 3.2, 7).
// Leaves out compression and encryption: they change bytes, not where shards live or when.

import { ErrorCode, ZosError } from '../../errors.js';

export const MiB = 1024 * 1024;

/** zstor's timers and thresholds; every field has the real daemon's value as its default. */
export interface ZstorTimers {
  /** Backend health poll period (3 s). Modelled lazily: state is derived, not ticked. */
  readonly healthPollS: number;
  /** Failed checks for this long turn Unknown into Unreachable (15 min). */
  readonly unreachableAfterS: number;
  /** Repair sweep period (10 min). */
  readonly repairSweepS: number;
  /** A backend with less free space than this is LowSpace (100 MiB). */
  readonly lowSpaceBytes: number;
  /** How long a stalled store waits before it retries placement (the scheduler actor requeues it). */
  readonly storeRetryS: number;
  /** zstor's per-operation timeout: what a read from a silently dead backend costs (30 s). */
  readonly opTimeoutS: number;
}

export const defaultTimers: ZstorTimers = {
  healthPollS: 3,
  unreachableAfterS: 15 * 60,
  repairSweepS: 10 * 60,
  lowSpaceBytes: 100 * MiB,
  storeRetryS: 30,
  opTimeoutS: 30,
};

/** The erasure-coding and placement policy, validated once (STYLE.md 6). */
export interface ZstorPolicy {
  /** `minimal_shards`: data shards, the number needed to read an object. */
  readonly dataShards: number;
  /** `expected_shards`: data + parity shards written per object. */
  readonly totalShards: number;
  readonly redundantGroups: number;
  readonly redundantNodes: number;
}

export type HealthState = 'healthy' | 'unknown' | 'unreachable' | 'lowSpace';

/** zstor reads from Healthy and Unknown backends; it writes only to Healthy ones. */
export function isReadableState(state: HealthState): boolean {
  return state === 'healthy' || state === 'unknown';
}

export type ZstorFailure = 'metaDegraded' | 'metaUnreadable' | 'unreadable' | 'noPlacement' | 'unknownObject' | 'aborted';

/**
 * An outcome zstor reports to its caller. ErrorCode has no storage code yet, so it reuses
 * deviceFailed ("an outcome callers handle"); `reason` is the stable discriminator.
 */
export class ZstorError extends ZosError {
  constructor(
    readonly reason: ZstorFailure,
    message: string,
  ) {
    super(ErrorCode.deviceFailed, `zstor ${reason}: ${message}`);
  }
}
