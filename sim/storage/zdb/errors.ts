// The replies 0-db refuses a command with, as typed errors: the message is 0-db's own text so
// that a client (zstor, a test) matches on it exactly as it would against a real server.
// Leaves out protocol-level errors (bad RESP framing, wrong argument counts): the API is typed.

import { ErrorCode, ZosError } from '../../errors.js';

/**
 * Stable codes, one per 0-db refusal. Messages marked "0-db" are copied from zdbd's
 * commands_*.c; the others are ours where the real text was not checked, and say so.
 */
export const ZdbErrorCode = {
  /** 0-db: SET beyond `maxsize` (DOMAIN 3.1, 5.11). */
  noSpace: 'ZDB_NO_SPACE',
  /** 0-db: SET or DEL while `lock` is on. */
  locked: 'ZDB_LOCKED',
  /** 0-db: any data command while `freeze` is on. */
  frozen: 'ZDB_FROZEN',
  /** 0-db: overwrite or delete in a `worm` namespace. */
  worm: 'ZDB_WORM',
  /** 0-db: DEL in a `worm` namespace (zdbd/commands_dataset.c, command_del). */
  wormDelete: 'ZDB_WORM_DELETE',
  /** 0-db: DEL with a key longer than 255 bytes (command_del says "Invalid key", not SET's text). */
  invalidKey: 'ZDB_INVALID_KEY',
  /** 0-db: SET or DEL from a session that may only read (public namespace with a password). */
  readOnly: 'ZDB_READ_ONLY',
  /** 0-db: key longer than 255 bytes. */
  keyTooLarge: 'ZDB_KEY_TOO_LARGE',
  /** 0-db: user-mode SET without a key. */
  keyNeeded: 'ZDB_KEY_NEEDED',
  /** 0-db: seq-mode SET with a key that is not an existing id. */
  onlyUpdate: 'ZDB_ONLY_UPDATE',
  /** 0-db: DEL of a key that does not exist or is deleted already. */
  keyNotFound: 'ZDB_KEY_NOT_FOUND',
  /** 0-db: payload above 8 MiB, refused while parsing the request (redis_handle_resp_header, REDIS_MAX_PAYLOAD). */
  payloadTooLarge: 'ZDB_PAYLOAD_TOO_LARGE',
  /** 0-db: SELECT with a wrong password, or a private namespace without one. */
  accessDenied: 'ZDB_ACCESS_DENIED',
  /** Ours: no namespace of that name on this server. */
  namespaceNotFound: 'ZDB_NAMESPACE_NOT_FOUND',
  /** Ours: NSNEW of a name that exists. */
  namespaceExists: 'ZDB_NAMESPACE_EXISTS',
  /** Ours: NSSET mode on a namespace that already holds entries. */
  modeNotEmpty: 'ZDB_MODE_NOT_EMPTY',
  /** Ours: an NSSET property or value 0-db does not accept. */
  invalidArgument: 'ZDB_INVALID_ARGUMENT',
} as const;
export type ZdbErrorCode = (typeof ZdbErrorCode)[keyof typeof ZdbErrorCode];

const messages: Record<ZdbErrorCode, string> = {
  ZDB_NO_SPACE: 'No space left on this namespace',
  ZDB_LOCKED: 'Namespace is temporarily locked (read-only)',
  ZDB_FROZEN: 'Namespace is temporarily frozen (read-write disabled)',
  ZDB_WORM: 'Namespace is protected by worm mode',
  ZDB_WORM_DELETE: 'Cannot delete a key when namespace is in worm mode',
  ZDB_INVALID_KEY: 'Invalid key',
  ZDB_READ_ONLY: 'Namespace is in read-only mode',
  ZDB_KEY_TOO_LARGE: 'Key too large',
  ZDB_KEY_NEEDED: 'Invalid argument, key needed',
  ZDB_ONLY_UPDATE: 'Invalid key, only update authorized',
  ZDB_KEY_NOT_FOUND: 'Key not found',
  ZDB_PAYLOAD_TOO_LARGE: 'Payload too big',
  ZDB_ACCESS_DENIED: 'Access denied',
  ZDB_NAMESPACE_NOT_FOUND: 'Namespace not found',
  ZDB_NAMESPACE_EXISTS: 'This namespace is not available',
  ZDB_MODE_NOT_EMPTY: 'Cannot change mode, namespace is not empty',
  ZDB_INVALID_ARGUMENT: 'Invalid argument',
};

/**
 * A command 0-db refused. `code` on ZosError stays the project-wide `E_BAD_INPUT` (a refused
 * command is the caller's input problem); `zdbCode` is the precise 0-db reason.
 */
export class ZdbError extends ZosError {
  constructor(
    readonly zdbCode: ZdbErrorCode,
    detail?: string,
  ) {
    super(ErrorCode.badInput, detail === undefined ? messages[zdbCode] : `${messages[zdbCode]}: ${detail}`);
  }

  /** The reply line a RESP client would see, without the leading '-'. */
  get reply(): string {
    return messages[this.zdbCode];
  }
}
