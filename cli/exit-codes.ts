// The one place that maps errors to exit statuses, as DESIGN.md lists them, and prints them.
// Leaves out retries and logging: a command either returns its status or throws, and this decides.

import { constants } from 'node:os';
import { ErrorCode, ZosError } from '../sim/errors.js';
import type { TextSink } from './output.js';

export const ExitCode = {
  ok: 0,
  /** A check failed: a validation outside tolerance, a report that disagrees with a reference. */
  checkFailed: 1,
  /** Bad input: flags, files, scenarios, operations. The user can fix it. */
  badInput: 2,
  /** A safety invariant broke during a scenario run. */
  safety: 3,
  /** A liveness check failed: the grid did not converge once faults stopped. */
  liveness: 4,
  /** A bug in this program (sysexits EX_SOFTWARE), never the user's mistake. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The status a shell reports for a process a signal ended: 128 + its number (143 for SIGTERM, 130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

const program = 'zos-testbed';

// Typed against every ErrorCode, so adding a code in sim/errors.ts fails type checking until it is
// mapped here. Simulation errors are assertions in our own code, hence internal like any other bug.
const exitByCode = {
  [ErrorCode.badInput]: ExitCode.badInput,
  [ErrorCode.checkFailed]: ExitCode.checkFailed,
  [ErrorCode.simulation]: ExitCode.internal,
  // A device failure that reaches the command line was not handled by our code: a bug.
  [ErrorCode.deviceFailed]: ExitCode.internal,
  [ErrorCode.linkFailed]: ExitCode.internal,
  // A request larger than what is left is the user's to resize, like bad input.
  [ErrorCode.capacity]: ExitCode.badInput,
  // Naming something that does not exist, or asking a backend for what it cannot do, is the user's to fix.
  [ErrorCode.notFound]: ExitCode.badInput,
  [ErrorCode.notSupported]: ExitCode.badInput,
  // A wait that ran out of --timeout with work still outstanding: the run did not finish, like a failed check.
  [ErrorCode.timeout]: ExitCode.checkFailed,
  // Operation outcomes that reach the command line as a throw were not handled by our code: bugs.
  [ErrorCode.nodeDown]: ExitCode.internal,
  [ErrorCode.workloadFailed]: ExitCode.internal,
  [ErrorCode.notReady]: ExitCode.internal,
  [ErrorCode.childFailed]: ExitCode.internal,
  [ErrorCode.internal]: ExitCode.internal,
} as const satisfies Record<ErrorCode, ExitCode>;

/** The exit status for anything a command threw. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof ZosError ? exitByCode[error.code] : ExitCode.internal;
}

/**
 * Prints a thrown error and returns its exit status. Mistakes the user can fix get one line and no
 * stack trace; bugs get the whole stack, because that is what whoever fixes them needs. `helpTopic`
 * (a command name) points bad input at that command's help.
 */
export function reportError(error: unknown, stderr: TextSink, helpTopic = ''): ExitCode {
  const code = exitCodeFor(error);
  if (code === ExitCode.internal) {
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    stderr.write(`${program}: internal error (a bug in ${program}, not in your input):\n${detail}\n`);
  } else {
    stderr.write(`${program}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (code === ExitCode.badInput) stderr.write(`Run '${program} help${helpTopic ? ` ${helpTopic}` : ''}' for usage.\n`);
  }
  return code;
}
