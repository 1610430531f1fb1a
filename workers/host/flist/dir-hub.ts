// A hub kept in a local directory: DIR/blocks/<key> and DIR/flists/<name>, written atomically.
// Leaves out locking between processes: writes are rename-into-place, so readers never see half a file.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockKey } from './block-key.js';
import { BlockCorruptError, HubMissingError } from './errors.js';
import { mustBeBlockKey, mustBeFlistName, type FlistHub } from './hub.js';

export class DirHub implements FlistHub {
  readonly name: string;

  constructor(readonly dir: string) {
    this.name = `hub ${dir}`;
  }

  blockPath(key: string): string {
    mustBeBlockKey(key);
    return join(this.dir, 'blocks', key);
  }

  flistPath(name: string): string {
    mustBeFlistName(name);
    return join(this.dir, 'flists', name);
  }

  async getBlock(key: string): Promise<Buffer> {
    const data = await readOrMissing(this.blockPath(key), this.name, `block ${key}`);
    const actual = blockKey(data);
    if (actual !== key) throw new BlockCorruptError(key, this.name, actual);
    return data;
  }

  async hasBlock(key: string): Promise<boolean> {
    return exists(this.blockPath(key));
  }

  async putBlock(key: string, data: Uint8Array): Promise<void> {
    const path = this.blockPath(key);
    const actual = blockKey(data);
    if (actual !== key) throw new BlockCorruptError(key, 'upload', actual);
    if (await exists(path)) return;
    await writeAtomically(path, data);
  }

  async getFlist(name: string): Promise<Buffer> {
    return readOrMissing(this.flistPath(name), this.name, `flist ${name}`);
  }

  async putFlist(name: string, data: Uint8Array): Promise<void> {
    await writeAtomically(this.flistPath(name), data);
  }
}

async function readOrMissing(path: string, hub: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HubMissingError(hub, what);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes beside the target and renames over it, so a crash or a concurrent reader never sees half. */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
