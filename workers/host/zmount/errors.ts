// Why a zmount operation was refused, with the stable codes of sim/errors.ts and workers/errors.ts.
// Leaves out device failures of the host disk: those surface as the Node errors they are.

import { ErrorCode, InputError, ZosError } from '../../../sim/errors.js';
import { WorkerError, WorkerErrorCode } from '../../errors.js';

export { InputError };

/** The request does not fit what is left of the SSD pool (zos never overcommits SSD). */
export class ZmountCapacityError extends ZosError {
  constructor(readonly zmount: string, readonly requestedBytes: number, readonly freeBytes: number, readonly poolSizeBytes: number) {
    super(ErrorCode.capacity, `zmount ${zmount}: needs ${requestedBytes} bytes but the SSD pool has ${freeBytes} of ${poolSizeBytes} free`);
  }
}

/** zos answers these with `unchanged`: the zmount stays as it was. */
export type ZmountRefusal = 'shrink' | 'mounted' | 'exists';

export class ZmountRefusedError extends ZosError {
  constructor(readonly zmount: string, readonly reason: ZmountRefusal, detail: string) {
    super(ErrorCode.badInput, `zmount ${zmount}: ${detail}`);
  }
}

export class ZmountNotFoundError extends WorkerError {
  constructor(readonly zmount: string) {
    super(WorkerErrorCode.notFound, `zmount ${zmount} does not exist`);
  }
}
