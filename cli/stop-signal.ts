// SIGTERM and SIGINT. Foreground servers (`worker`, `zdb`, `hub`) wait for one, close cleanly and exit
// 0. Long simulations (`run`, `demo`) take one between steps of the run, say where they stopped and
// exit 128 + the signal's number (143, 130), as a shell reports a process ended by it. Every other
// command keeps Node's default: the signal ends it at once.

import { signalExitCode } from './exit-codes.js';

export type StopSignal = 'SIGTERM' | 'SIGINT';
const stopSignals: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Resolves on the first SIGTERM or SIGINT, and stops listening for both. */
export function untilStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const watch = watchStopSignals(() => {
      watch.dispose();
      resolve(watch.received()!);
    });
  });
}

export interface StopWatch {
  /** The first stop signal received, if any. */
  received(): StopSignal | undefined;
  /** Stops listening: Node's default (end at once) applies again. */
  dispose(): void;
}

/**
 * Listens for SIGTERM and SIGINT while a command works. Listening replaces Node's default, so a
 * second signal (a user pressing Ctrl-C twice) ends the process at once, with the usual status.
 */
export function watchStopSignals(onFirst?: () => void): StopWatch {
  let first: StopSignal | undefined;
  const handler = (signal: StopSignal): void => {
    if (first !== undefined) process.exit(signalExitCode(signal));
    first = signal;
    onFirst?.();
  };
  for (const signal of stopSignals) process.on(signal, handler);
  return {
    received: () => first,
    dispose: () => {
      for (const signal of stopSignals) process.off(signal, handler);
    },
  };
}

export type Driven<P, R> = { readonly done: true; readonly value: R } | { readonly done: false; readonly signal: StopSignal; readonly last: P | undefined };

/**
 * Drives a generator of work steps, returning to the event loop between steps so that a signal
 * handler can run, and stops at the first stop signal. The steps decide how often that is.
 */
export async function driveSteps<P, R>(steps: Generator<P, R, void>, watch: StopWatch): Promise<Driven<P, R>> {
  let last: P | undefined;
  for (;;) {
    const step = steps.next();
    if (step.done === true) return { done: true, value: step.value };
    last = step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const signal = watch.received();
    if (signal !== undefined) return { done: false, signal, last };
  }
}
