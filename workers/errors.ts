// The errors handlers report and the scheduler matches on, mapped from any thrown error in one place,
// so a caller sees the same code and retry advice from either backend. Re-exports sim/errors.ts for the scheduler.

import { AdmissionReason, ProvisionRejected } from '../sim/grid/provision/admission.js';
import { ErrorCode, InputError, SimulationError, ZosError } from '../sim/errors.js';
import { CorexUnreachableError } from '../sim/grid/primitives/corex.js';
import { HubUnreachableError } from '../sim/storage/flist/hub.js';
import { ZdbError } from '../sim/storage/zdb/errors.js';

export { ErrorCode, InputError, ZosError };

/** Codes only workers report; they extend sim/errors.ts's ErrorCode and are as stable. */
export const WorkerErrorCode = {
  /** The contract, workload, namespace, file or node the operation names does not exist. */
  notFound: 'E_NOT_FOUND',
  /** The node is off or failed: a later attempt may find it up. */
  nodeDown: 'E_NODE_DOWN',
  /** The backend did not finish within the operation's time limit. */
  timeout: 'E_TIMEOUT',
  /** The node accepted the deployment but some workloads ended in error (their messages say why). */
  workloadFailed: 'E_WORKLOAD_FAILED',
  /** The target exists but is not in a state that allows the operation now (a VM still booting). */
  notReady: 'E_NOT_READY',
  /** This backend cannot do it at all (a link cut on one real host, which has no underlay). */
  notSupported: 'E_NOT_SUPPORTED',
} as const;
export type WorkerErrorCode = (typeof WorkerErrorCode)[keyof typeof WorkerErrorCode];

/** What a failed operation reports; `retryable` tells the transport whether another attempt may help. */
export interface OperationError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** A domain failure a backend raises with one of the worker codes. */
export class WorkerError extends ZosError {
  readonly workerCode: WorkerErrorCode;
  readonly retryable: boolean;
  constructor(code: WorkerErrorCode, message: string, retryable = false) {
    // The base code is only a fallback: operationError() reports workerCode.
    super(ErrorCode.badInput, message);
    this.workerCode = code;
    this.retryable = retryable;
  }
}

/** Failures of devices, links and powered-off nodes may pass; refusals of bad input never do. */
const retryableCodes = new Set<string>([ErrorCode.linkFailed, WorkerErrorCode.nodeDown, WorkerErrorCode.notReady]);

/**
 * A thrown error as an operation's error, or undefined for a programmer error (a SimulationError or
 * anything that is not a ZosError), which the caller must rethrow so the run stops loudly.
 */
export function operationError(error: unknown): OperationError | undefined {
  if (error instanceof WorkerError) return { code: error.workerCode, message: error.message, retryable: error.retryable };
  if (!(error instanceof ZosError) || error instanceof SimulationError) return undefined;
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
