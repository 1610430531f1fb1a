// Polling for tests against real time (processes, sockets, terminals, renders that land a tick later):
// read until a condition holds, and on timeout say what was awaited and what was last seen.

export interface WaitOptions<T> {
  /** Accepts a read value; by default any truthy one. */
  readonly until?: (value: T) => boolean;
  /** Default 10 s: generous, because timers on a loaded 2-core box run late. */
  readonly timeoutMs?: number;
  /** Pause between reads; default 10 ms. */
  readonly intervalMs?: number;
}

/**
 * Calls `read` (sync or async) until `until` accepts its value, and returns that value. A read that
 * throws ends the wait with its error. On timeout the Error names `what` and shows the last value read.
 */
export async function waitUntil<T>(what: string, read: () => T | Promise<T>, options: WaitOptions<T> = {}): Promise<T> {
  const { until = Boolean, timeoutMs = 10_000, intervalMs = 10 } = options;
  const startMs = Date.now();
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    if (Date.now() - startMs >= timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Strings as they are (a screen keeps its lines), other values as JSON where possible. */
function describe(value: unknown): string {
  if (typeof value === 'string') return value.includes('\n') ? `\n${value}` : JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
