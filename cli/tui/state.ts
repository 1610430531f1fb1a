// What the TUI's components render: one plain state object, and the small pure helpers that build it
// (speed steps, history rings). Leaves out where the figures come from (controller.ts, scenarios/live.ts).

import { formatDuration } from '../../scenarios/duration.js';
import type { LiveSnapshot } from '../../scenarios/live.js';
import type { Cursor } from './cursor.js';

/** Virtual seconds per tick that +/- step through; Infinity is "max": simulate for most of each tick. */
export const speeds = [1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86_400, 7 * 86_400, Infinity] as const;

export function speedLabel(speedS: number): string {
  return speedS === Infinity ? 'max' : formatDuration(speedS);
}

/** The next speed up (+1) or down (−1) from `speedS`, staying within `speeds`. */
export function stepSpeed(speedS: number, step: 1 | -1): number {
  const i = speeds.findIndex((s) => s >= speedS);
  return speeds[Math.max(0, Math.min(speeds.length - 1, (i < 0 ? speeds.length - 1 : i) + step))]!;
}

export interface ScenarioChoice {
  readonly name: string;
  readonly description: string;
}

export interface History {
  readonly nodesUp: readonly number[];
  readonly workloadsOk: readonly number[];
  /** Deployment availability, 0..1, one value per refresh. */
  readonly availability: readonly number[];
}

export interface TuiState {
  readonly screen: 'pick' | 'loading' | 'live';
  readonly choices: readonly ScenarioChoice[];
  readonly selected: number;
  readonly snapshot: LiveSnapshot | undefined;
  readonly log: readonly string[];
  readonly history: History;
  /** The node and farm that k, r, d, b and p act on. */
  readonly cursor: Cursor;
  readonly paused: boolean;
  readonly speedS: number;
  /** The last action's outcome, shown under the header. */
  readonly message: string;
  readonly quitting: boolean;
}

const historyLength = 120;

export const emptyHistory: History = { nodesUp: [], workloadsOk: [], availability: [] };

/**
 * The history with this snapshot's figures appended, the oldest dropped past `historyLength`; with
 * `replaceLast` (no virtual time passed, only a key acted) they overwrite the last values instead, so
 * that a paused screen's refreshes do not flatten the sparklines.
 */
export function pushHistory(h: History, s: LiveSnapshot, replaceLast: boolean): History {
  const put = (values: readonly number[], v: number): number[] => {
    const next = replaceLast && values.length > 0 ? values.slice(0, -1) : values.length >= historyLength ? values.slice(1) : values.slice();
    next.push(v);
    return next;
  };
  return { nodesUp: put(h.nodesUp, s.nodes.up), workloadsOk: put(h.workloadsOk, s.workloads.ok), availability: put(h.availability, s.availability.fraction) };
}
