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
  /** The contract, workload, namespace, file or node an operation names does not exist. */
  notFound: 'E_NOT_FOUND',
  /** The node is off or failed: a later attempt may find it up. */
  nodeDown: 'E_NODE_DOWN',
  /** Something did not finish within its time limit (an operation's, or a command's --timeout). */
  timeout: 'E_TIMEOUT',
  /** The node accepted the deployment but some workloads ended in error (their messages say why). */
  workloadFailed: 'E_WORKLOAD_FAILED',
  /** The target exists but is not in a state that allows the operation now (a VM still booting). */
  notReady: 'E_NOT_READY',
  /** This backend cannot do it at all (a link cut on one real host, which has no underlay). */
  notSupported: 'E_NOT_SUPPORTED',
  /** A flow's parent never ran because one of its children failed for good. */
  childFailed: 'E_CHILD_FAILED',
  /** A failure nobody classified (a bug, possibly in another process): never the user's. */
  internal: 'E_INTERNAL',
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
