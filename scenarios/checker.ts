// What every invariant checker offers the runner: a label, a phase and a verdict. Its own module so that
// the checkers of invariants.ts and network-invariants.ts share it without importing each other.

import type { Phase } from './run-context.js';

export interface Checker {
  readonly label: string;
  readonly phase: Phase;
  /** Safety: the first violation seen, or the end-of-phase verdict. Liveness: what still does not hold. */
  check(): string | null;
  /** Why a check that passed checked nothing (its time lies past a shortened safety phase). */
  note?(): string | undefined;
}
