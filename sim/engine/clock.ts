// The Clock port: how code that must run on real hosts and in simulation reads time and waits.
// It says nothing of which side it is on (TigerBeetle's time.zig idea).

/** A source of time in seconds and a way to wait; awaitable values, not callbacks. */
export interface Clock {
  /** Seconds since the clock's epoch (virtual start, or process start for wall clocks). */
  readonly nowS: number;
  /** Resolves after `delayS` seconds of this clock's time. */
  sleep(delayS: number): PromiseLike<unknown>;
}
