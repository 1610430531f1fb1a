// Waiting on work done elsewhere (BullMQ workers, real hosts) from the command line: a status line
// every few seconds on stderr, and `--timeout` ending the wait. Wall time only; nothing simulated.

import { ErrorCode, InputError, ZosError } from '../sim/errors.js';
import type { Args } from './args.js';
import { durationFlag, type DurationFlag } from './duration-flag.js';

/** The wait ran out of `--timeout` with work outstanding (exit 1: the run did not finish). */
export class WaitTimeoutError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.timeout, message);
  }
}

/** `--timeout`, in seconds and as typed for the message. */
export type WaitTimeout = DurationFlag;

/** `--timeout DURATION`, or undefined when not given; bad input names the flag. */
export function timeoutFlag(args: Args): WaitTimeout | undefined {
  const timeout = durationFlag(args, 'timeout');
  // setTimeout holds at most 2^31-1 ms (about 24.8 days); longer is "never" in practice.
  if (timeout !== undefined && timeout.seconds * 1000 > 2 ** 31 - 1) throw new InputError('command line', '--timeout', `must be at most 24d, got ${JSON.stringify(timeout.text)}`);
  return timeout;
}

export interface WatchOptions {
  /** `--timeout`; undefined waits for as long as it takes. */
  readonly timeout: WaitTimeout | undefined;
  /** One line on what is still outstanding (jobs queued, running, done; workers seen). */
  readonly status: () => Promise<string>;
  readonly report: (line: string) => void;
  /** First status line after this (default 2 s: a quick run prints none), then every `intervalMs`. */
  readonly firstMs?: number;
  readonly intervalMs?: number;
}

/**
 * Resolves as `work` does. Meanwhile prints `status()` now and then, and after `timeout` rejects with
 * a WaitTimeoutError carrying the last status; `work` is left running, for the caller to close.
 */
export async function watchWait<T>(work: Promise<T>, options: WatchOptions): Promise<T> {
  const { firstMs = 2_000, intervalMs = 5_000 } = options;
  let tick: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let settled = false;
  const describe = (): Promise<string> => options.status().catch((error: Error) => `status unavailable: ${error.message}`);
  const schedule = (ms: number): void => {
    tick = setTimeout(() => {
      void describe().then((line) => {
        if (settled) return;
        options.report(line);
        schedule(intervalMs);
      });
    }, ms);
  };
  schedule(firstMs);
  const { timeout } = options;
  const timedOut = timeout === undefined ? new Promise<never>(() => {}) : new Promise<never>((_resolve, reject) => {
    deadline = setTimeout(() => {
      void describe().then((line) => {
        if (settled) return;
        reject(new WaitTimeoutError(`--timeout ${timeout.text} ran out; still waiting: ${line}`));
      });
    }, timeout.seconds * 1000);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    settled = true;
    clearTimeout(tick);
    clearTimeout(deadline);
  }
}
