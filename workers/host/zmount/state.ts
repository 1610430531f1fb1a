// The pool's record of its zmounts (DATA/zmounts.json), written atomically and fsynced, so that a
// restarted process sees exactly the zmounts whose create or resize was acknowledged.
// Format, version 1: {"format":"zos-testbed-zmounts","version":1,"mounts":[{"name":"vol1","sizeBytes":1048576}]}

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from './errors.js';

export const STATE_FORMAT = 'zos-testbed-zmounts';
export const STATE_VERSION = 1;
export const STATE_FILE = 'zmounts.json';

export interface ZmountRecord {
  readonly name: string;
  readonly sizeBytes: number;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Names become file names: one segment of letters, digits, `_` and `-`, so nothing escapes the pool. */
export function checkZmountName(name: unknown, where = 'zmount'): string {
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw new InputError(where, 'name', `must be 1-64 letters, digits, '_' or '-' (starting with a letter or digit), got ${JSON.stringify(name)}`);
  }
  return name;
}

export function checkSizeBytes(size: unknown, where = 'zmount', field = 'sizeBytes'): number {
  if (!(typeof size === 'number' && Number.isSafeInteger(size) && size > 0)) throw new InputError(where, field, `must be a positive integer number of bytes, got ${JSON.stringify(size)}`);
  return size;
}

export async function loadState(dataDir: string): Promise<ZmountRecord[]> {
  const path = join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let doc: { format?: unknown; version?: unknown; mounts?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new InputError(path, '', 'not JSON: not a zmount pool state file');
  }
  if (doc.format !== STATE_FORMAT) throw new InputError(path, 'format', `must be "${STATE_FORMAT}"`);
  if (doc.version !== STATE_VERSION) throw new InputError(path, 'version', `unsupported version ${JSON.stringify(doc.version)}`);
  if (!Array.isArray(doc.mounts)) throw new InputError(path, 'mounts', 'must be an array');
  return doc.mounts.map((m: { name?: unknown; sizeBytes?: unknown }, i: number) => ({
    name: checkZmountName(m?.name, `${path} mounts[${i}]`),
    sizeBytes: checkSizeBytes(m?.sizeBytes, `${path} mounts[${i}]`),
  }));
}

export async function saveState(dataDir: string, mounts: readonly ZmountRecord[]): Promise<void> {
  const text = JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, mounts: mounts.map(({ name, sizeBytes }) => ({ name, sizeBytes })) }, null, 2) + '\n';
  const temp = join(dataDir, `.${STATE_FILE}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, join(dataDir, STATE_FILE));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename itself is durable only once the directory is synced.
  const dir = await open(dataDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
