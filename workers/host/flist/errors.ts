// The failures of real flists and hubs, as classes with stable codes (workers/errors.ts maps them).
// Leaves out retry policy: HubUnreachableError (shared with the simulator) is the retryable one.

import { ErrorCode, InputError, ZosError } from '../../../sim/errors.js';
import { HubUnreachableError } from '../../../sim/storage/flist/hub.js';
import { WorkerError, WorkerErrorCode } from '../../errors.js';

export { HubUnreachableError, InputError };

/** A block's bytes do not hash to its key: a tampered or damaged store, never silently used. */
export class BlockCorruptError extends ZosError {
  constructor(readonly key: string, readonly source: string, readonly actualKey: string) {
    super(ErrorCode.deviceFailed, `block ${key} from ${source} does not match its hash (content hashes to ${actualKey})`);
  }
}

/** The hub answered but does not hold the block (or flist) asked for. */
export class HubMissingError extends WorkerError {
  constructor(readonly hub: string, readonly what: string) {
    super(WorkerErrorCode.notFound, `${hub} has no ${what}`);
  }
}

/** A metadata file that is not a valid flist of ours; `field` names what is wrong. */
export function badFlist(where: string, field: string, problem: string): InputError {
  return new InputError(where, field, problem);
}
