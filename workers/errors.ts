// The errors handlers report and the scheduler matches on, mapped from any thrown error in one place,
// so a caller sees the same code and retry advice from either backend. Re-exports sim/errors.ts for the scheduler.

import { AdmissionReason, ProvisionRejected } from '../sim/grid/provision/admission.js';
import { ErrorCode, InputError, SimulationError, ZosError } from '../sim/errors.js';
import { CorexUnreachableError } from '../sim/grid/primitives/corex.js';
import { HubUnreachableError } from '../sim/storage/flist/hub.js';
import { ZdbError } from '../sim/storage/zdb/errors.js';

export { ErrorCode, InputError, ZosError };

/**
 * The codes only workers raise: a subset of ErrorCode (sim/errors.ts), the one enum every error's
 * code comes from, kept under this name for the handlers and backends that raise them.
 */
export const WorkerErrorCode = {
  notFound: ErrorCode.notFound,
  nodeDown: ErrorCode.nodeDown,
  timeout: ErrorCode.timeout,
  workloadFailed: ErrorCode.workloadFailed,
  notReady: ErrorCode.notReady,
  notSupported: ErrorCode.notSupported,
} as const;
export type WorkerErrorCode = (typeof WorkerErrorCode)[keyof typeof WorkerErrorCode];

const knownCodes = new Set<string>(Object.values(ErrorCode));

/** True for a code of the enum; codes read from Redis are checked with it before they are believed. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && knownCodes.has(code);
}

/** What a failed operation reports; `retryable` tells the transport whether another attempt may help. */
export interface OperationError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * A domain failure with its code and retry advice: raised by backends with a worker code, and
 * rebuilt on the far side of the BullMQ wire with whatever code the other side reported.
 */
export class WorkerError extends ZosError {
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, retryable = false) {
    super(code, message);
    this.retryable = retryable;
  }
}

/**
 * A failure nobody classified, such as a plain Error thrown in a worker process: a bug somewhere. It
 * carries E_INTERNAL so that it is named truthfully, and like a SimulationError it stops the run.
 */
export class InternalError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.internal, message);
  }
}

/** Failures of devices, links and powered-off nodes may pass; refusals of bad input never do. */
const retryableCodes = new Set<string>([ErrorCode.linkFailed, WorkerErrorCode.nodeDown, WorkerErrorCode.notReady]);

/**
 * A thrown error as an operation's error, or undefined for a programmer error (a SimulationError, an
 * InternalError or anything that is not a ZosError), which the caller must rethrow so the run stops loudly.
 */
export function operationError(error: unknown): OperationError | undefined {
  if (error instanceof WorkerError) return { code: error.code, message: error.message, retryable: error.retryable };
  if (!(error instanceof ZosError) || error instanceof SimulationError || error instanceof InternalError) return undefined;
  if (error instanceof ProvisionRejected) {
    if (error.reason === AdmissionReason.nodeOff) return { code: WorkerErrorCode.nodeDown, message: error.message, retryable: true };
    if (error.reason === AdmissionReason.notFound) return { code: WorkerErrorCode.notFound, message: error.message, retryable: false };
  }
  // 0-db refusals keep 0-db's reply text; the precise reason is the message, the code stays stable.
  if (error instanceof ZdbError) return { code: error.code, message: error.message, retryable: false };
  // A hub outage is a link fault in all but name: it passes when the hub comes back.
  if (error instanceof HubUnreachableError) return { code: error.code, message: error.message, retryable: true };
  if (error instanceof CorexUnreachableError) return { code: WorkerErrorCode.notReady, message: error.message, retryable: true };
  return { code: error.code, message: error.message, retryable: retryableCodes.has(error.code) };
}
