// What pack, the block cache and the HTTP server need of a hub: blocks by key, flists by name.
// Leaves out listing and deletion (hubs only grow) and rfs's routing of key ranges to several stores.

import { isBlockKey } from './block-key.js';
import { InputError } from './errors.js';

export interface FlistHub {
  /** The directory or base URL: every error names it. */
  readonly name: string;
  /** The block's bytes, checked against the key; HubMissingError, HubUnreachableError, BlockCorruptError. */
  getBlock(key: string): Promise<Buffer>;
  hasBlock(key: string): Promise<boolean>;
  /** Stores a block; refuses (BlockCorruptError) bytes that do not hash to `key`. Idempotent. */
  putBlock(key: string, data: Uint8Array): Promise<void>;
  /** A published metadata file's bytes, as stored. */
  getFlist(name: string): Promise<Buffer>;
  putFlist(name: string, data: Uint8Array): Promise<void>;
}

const flistNamePattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Whether `name` may name a published flist: one path segment, no `..`, so no escape from the store. */
export function isFlistName(name: string): boolean {
  return flistNamePattern.test(name) && !name.includes('..');
}

export function mustBeBlockKey(key: string, field = 'block key'): void {
  if (!isBlockKey(key)) throw new InputError('hub', field, `must be 64 lowercase hex digits, got ${JSON.stringify(key)}`);
}

export function mustBeFlistName(name: string, field = 'flist name'): void {
  if (!isFlistName(name)) throw new InputError('hub', field, `must be one path segment of letters, digits, '.', '_' or '-' without '..', got ${JSON.stringify(name)}`);
}
