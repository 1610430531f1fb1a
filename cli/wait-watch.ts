// Waiting on work done elsewhere (BullMQ workers, real hosts) from the command line: a status line
// every few seconds on stderr, and `--timeout` ending the wait. Wall time only; nothing simulated.

import { parseDuration } from '../scenarios/duration.js';
import { ErrorCode, InputError, ZosError } from '../sim/errors.js';
import type { Args } from './args.js';

/** The wait ran out of `--timeout` with work outstanding (exit 1: the run did not finish). */
export class WaitTimeoutError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.timeout, message);
  }
}

/** Help text shared by the commands that take the flag. */
export const timeoutHelp = 'give up waiting after this long (like 30s, 5m, 2h): exit 1 saying what was still waiting; default: wait for as long as it takes, with a status line on stderr every few seconds';

/** `--timeout DURATION` in seconds, or undefined when not given; bad input names the flag. */
export function timeoutFlag(args: Args): number | undefined {
  const text = args.string('timeout');
  if (text === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  } catch (error) {
    throw new InputError('command line', '--timeout', (error as Error).message);
  }
  if (!(seconds > 0)) throw new InputError('command line', '--timeout', `must be more than 0, got ${JSON.stringify(text)}`);
  // setTimeout holds at most 2^31-1 ms (about 24.8 days); longer is "never" in practice.
  if (seconds * 1000 > 2 ** 31 - 1) throw new InputError('command line', '--timeout', `must be at most 24d, got ${JSON.stringify(text)}`);
  return seconds;
}

export interface WatchOptions {
  /** `--timeout` in seconds; undefined waits for as long as it takes. */
  readonly timeoutS: number | undefined;
  /** The flag's text as typed, for the message. */
  readonly timeoutText?: string;
  /** One line on what is still outstanding (jobs queued, running, done; workers seen). */
  readonly status: () => Promise<string>;
  readonly report: (line: string) => void;
  /** First status line after this (default 2 s: a quick run prints none), then every `intervalMs`. */
  readonly firstMs?: number;
  readonly intervalMs?: number;
}

/**
 * Resolves as `work` does. Meanwhile prints `status()` now and then, and after `timeoutS` rejects with
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
  const timedOut = options.timeoutS === undefined ? new Promise<never>(() => {}) : new Promise<never>((_resolve, reject) => {
    deadline = setTimeout(() => {
      void describe().then((line) => {
        if (settled) return;
        reject(new WaitTimeoutError(`--timeout ${options.timeoutText ?? `${options.timeoutS}s`} ran out; still waiting: ${line}`));
      });
    }, options.timeoutS! * 1000);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    settled = true;
    clearTimeout(tick);
    clearTimeout(deadline);
  }
}
