// Named random streams derived from one run seed, so that every model draws from its own stream.
// Leaves out: stream state snapshots (checkpointing) and any cryptographic quality; alea is for simulation.

import seedrandom from 'seedrandom';
import { InputError, SimulationError } from '../errors.js';

/** alea's outputs are multiples of 2^-32; above this span `int` needs a finer-grained draw. */
const ALEA_STEPS = 2 ** 32;

/**
 * The printable form of a seed. A numeric seed and its decimal string are the same seed, so
 * `--seed 42` on the command line replays a run that was started with `seed: 42` in code.
 */
export function seedToString(seed: string | number): string {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new InputError('seed', '', `must be a finite number, got ${seed}`);
    // String(-0) is "0" already; Object.is guards the reader who wonders.
    return Object.is(seed, -0) ? '0' : String(seed);
  }
  if (typeof seed !== 'string' || seed.length === 0) {
    throw new InputError('seed', '', 'must be a non-empty string or a finite number');
  }
  return seed;
}

/**
 * The seed string of stream `name` under `seed`. The seed is length-prefixed so that the encoding is
 * injective: ("a|b", "c") and ("a", "b|c") must not collide, and a fork of a fork never equals a
 * top-level stream. Changing this function changes every recorded run: treat it as a file format.
 */
export function deriveSeed(seed: string | number, name: string): string {
  const seedText = seedToString(seed);
  return `${seedText.length}:${seedText}|${name}`;
}

function assertName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new SimulationError(`RNG stream name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
}

/** One deterministic stream of uniform numbers and the few discrete draws built on it. */
export class Rng {
  /** The full derived seed; `new Rng(rng.seed)` restarts this stream from its first value. */
  readonly seed: string;
  /**
   * A uniform number in [0, 1) with 2^-32 resolution; it can return exactly 0. This is the alea
   * function itself, not a wrapper, because every sample of every distribution goes through it.
   */
  readonly next: () => number;
  private readonly prng: seedrandom.PRNG;
  private forks: Map<string, Rng> | undefined;

  constructor(seed: string) {
    this.seed = seedToString(seed);
    this.prng = seedrandom.alea(this.seed);
    this.next = this.prng;
  }

  /** A uniform integer in [loInclusive, hiExclusive). */
  int(loInclusive: number, hiExclusive: number): number {
    const span = hiExclusive - loInclusive;
    if (!Number.isSafeInteger(loInclusive) || !Number.isSafeInteger(hiExclusive) || !(span >= 1)) {
      throw new SimulationError(`Rng.int(${loInclusive}, ${hiExclusive}): need integers with lo < hi`);
    }
    // Spans beyond 2^32 would skip integers with alea's 32-bit output; double() has 53 bits.
    const u = span <= ALEA_STEPS ? this.next() : this.prng.double();
    return loInclusive + Math.floor(u * span);
  }

  /** A uniformly chosen element; the array must not be empty. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new SimulationError('Rng.pick: empty array');
    return items[this.int(0, items.length)] as T;
  }

  /** Fisher–Yates shuffle in place; returns the same array for chaining. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const held = items[i] as T;
      items[i] = items[j] as T;
      items[j] = held;
    }
    return items;
  }

  /**
   * A sub-stream named `name` under this one. Memoised like `RngStreams.stream`: forking the same
   * name twice must not hand out two copies of one sequence, which would silently correlate them.
   * The sub-stream does not depend on how far this stream has been consumed.
   */
  fork(name: string): Rng {
    assertName(name);
    this.forks ??= new Map();
    let child = this.forks.get(name);
    if (child === undefined) {
      child = new Rng(deriveSeed(this.seed, name));
      this.forks.set(name, child);
    }
    return child;
  }
}

/**
 * All streams of one run. Each stream depends only on (seed, name), never on which streams exist
 * or the order they were created in, so adding a model does not perturb the draws of the others.
 */
export class RngStreams {
  /** The normalised run seed, printed first by every run so that `--seed` can replay it. */
  readonly seed: string;
  private readonly streams = new Map<string, Rng>();

  constructor(seed: string | number) {
    this.seed = seedToString(seed);
  }

  /** The stream `name`; the same name always returns the same object. */
  stream(name: string): Rng {
    assertName(name);
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = new Rng(deriveSeed(this.seed, name));
      this.streams.set(name, rng);
    }
    return rng;
  }
}
