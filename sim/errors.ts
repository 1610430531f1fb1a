// Typed errors with stable codes, shared by every layer so that a caller sees the same error from
// either backend. The command line maps codes to exit statuses in one place (cli/exit-codes.ts).

/** Stable machine-readable codes. Never renumber or rename: scripts and job results depend on them. */
export const ErrorCode = {
  /** Bad user input: an argument, an operation, a scenario, a profile, a job payload. */
  badInput: 'E_BAD_INPUT',
  /** A fidelity check or assertion on results failed (exit 1). */
  checkFailed: 'E_CHECK_FAILED',
  /** The simulation itself is inconsistent: a programmer error, never a user's. */
  simulation: 'E_SIMULATION',
  /** A simulated (or real) device failed under an operation: an outcome callers handle. */
  deviceFailed: 'E_DEVICE_FAILED',
  /** A network link went down under a transfer. */
  linkFailed: 'E_LINK_FAILED',
  /** A request does not fit the capacity left (admission refused). */
  capacity: 'E_CAPACITY',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error this project throws on purpose. */
export class ZosError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Bad input. `where` names the source (a file, a flag, a job id) and `field` the path inside it,
 * so the message reads "hardware-profiles/ssd-980.json: field seqReadBytesPerS: must be > 0".
 */
export class InputError extends ZosError {
  readonly where: string;
  readonly field: string;
  constructor(where: string, field: string, problem: string) {
    super(ErrorCode.badInput, `${where}: ${field ? `field ${field}: ` : ''}${problem}`);
    this.where = where;
    this.field = field;
  }
}

/** A check on measured results failed (for example a fidelity validation outside tolerance). */
export class CheckFailedError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.checkFailed, message);
  }
}

/** The simulation reached a state that the code claims impossible; stop loudly. */
export class SimulationError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.simulation, message);
  }
}
