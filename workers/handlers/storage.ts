// Handlers of the storage primitives: zdb namespace commands and zstor through a qsfs frontend.
// Each is one backend call; the backend's refusals (0-db replies, missing files) become failed results.

import { ErrorCode } from '../errors.js';
import { failed, guarded, ok, type Handler } from './handler.js';

export const zdbSet: Handler<'zdb.set'> = (op, backend) =>
  guarded(async () => {
    if (op.sizeBytes === undefined) return failed(ErrorCode.badInput, 'zdb.set needs sizeBytes');
    const value = op.tag === undefined ? { sizeBytes: op.sizeBytes } : { sizeBytes: op.sizeBytes, tag: op.tag };
    // null: the value equals the stored one, which 0-db answers with nil and does not append.
    return ok({ key: await backend.zdbSet(op.namespace, op.key, value) });
  });

export const zdbGet: Handler<'zdb.get'> = (op, backend) => guarded(async () => ok({ value: await backend.zdbGet(op.namespace, op.key) }));

export const zdbDel: Handler<'zdb.del'> = (op, backend) =>
  guarded(async () => {
    await backend.zdbDel(op.namespace, op.key);
    return ok();
  });

export const zdbHistory: Handler<'zdb.history'> = (op, backend) => guarded(async () => ok({ versions: await backend.zdbHistory(op.namespace, op.key) }));

export const zstorStore: Handler<'zstor.store'> = (op, backend) =>
  guarded(async () => {
    if (op.sizeBytes === undefined) return failed(ErrorCode.badInput, 'zstor.store needs sizeBytes');
    await backend.zstorStore(op.qsfs, op.path, op.sizeBytes);
    return ok();
  });

export const zstorRetrieve: Handler<'zstor.retrieve'> = (op, backend) => guarded(async () => ok({ sizeBytes: await backend.zstorRetrieve(op.qsfs, op.path) }));

export const zstorCheck: Handler<'zstor.check'> = (op, backend) => guarded(async () => ok({ state: await backend.zstorCheck(op.qsfs, op.path) }));
