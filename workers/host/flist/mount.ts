// An flist by URL, as a node gets one: metadata from <hub>/flists/<name> (kept in the node's cache,
// so a cached flist still mounts while the hub is down), then a read-only root shared by every
// workload of the node that uses the same flist, materialised once. What HostBackend.flistFetch runs.
// Leaves out FUSE and copy-on-write layers: a zmachine gets the shared root and must not write to it.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HostBlockCache } from './block-cache.js';
import { writeAtomically } from './dir-hub.js';
import { HubUnreachableError, InputError } from './errors.js';
import { parseFlist, type FlistMeta } from './format.js';
import { HttpHub, type HttpHubOptions } from './http-hub.js';
import type { FlistHub } from './hub.js';
import { materialise, removeTree } from './materialise.js';

export interface FlistUrl {
  /** The hub's base URL (everything before `flists/`). */
  readonly hubUrl: string;
  readonly name: string;
}

/** Splits `http://host:port/[prefix/]flists/<name>` into the hub's base URL and the flist's name. */
export function parseFlistUrl(url: string): FlistUrl {
  const match = /^(https?:\/\/[^?#]*?\/)flists\/([^/?#]+)$/i.exec(url);
  if (match === null) throw new InputError('flist', 'url', `must look like http://HUB/flists/NAME, got ${JSON.stringify(url)}`);
  return { hubUrl: match[1]!, name: match[2]! };
}

export interface NodeFlistStore {
  /** The node's block cache directory (zos-cache): blocks/ and flists/ go under it. */
  readonly cacheDir: string;
  /** Where shared roots live: one directory per flist content (its checksum). */
  readonly rootsDir: string;
  readonly http?: HttpHubOptions;
  /**
   * Fail when the hub is unreachable even if the metadata is cached, as zos (and the simulator's
   * BlockCache.mount) does: a new deployment then fails at "failed to mount flist". Default false.
   */
  readonly requireHub?: boolean;
}

export interface MountedFlist {
  readonly meta: FlistMeta;
  /** The materialised tree: read-only by convention, shared by the node's workloads. */
  readonly rootDir: string;
  /** False when the metadata came from the node's cache because the hub was unreachable. */
  readonly metadataFromHub: boolean;
  /** Hub traffic for blocks this call caused: 0 when the root already existed. */
  readonly fetchedBlocks: number;
  readonly fetchedBytes: number;
}

/**
 * The flist's metadata: fetched from the hub and cached, or, when the hub is unreachable, the
 * cached copy; with neither, the hub's HubUnreachableError.
 */
export async function fetchFlistMeta(url: string, store: NodeFlistStore, hub?: FlistHub): Promise<{ meta: FlistMeta; fromHub: boolean }> {
  const { hubUrl, name } = parseFlistUrl(url);
  const source = hub ?? new HttpHub(hubUrl, store.http);
  const cached = join(store.cacheDir, 'flists', createHash('sha256').update(url).digest('hex'));
  try {
    const data = await source.getFlist(name);
    const meta = parseFlist(data, url);
    await writeAtomically(cached, data);
    return { meta, fromHub: true };
  } catch (error) {
    if (!(error instanceof HubUnreachableError) || store.requireHub === true) throw error;
    const data = await readFile(cached).catch(() => undefined);
    if (data === undefined) throw error;
    return { meta: parseFlist(data, `${cached} (cached copy of ${url})`), fromHub: false };
  }
}

/** Mounts `url` on a node: metadata, then the shared root, materialised on first use only. */
export async function mountFlist(url: string, store: NodeFlistStore): Promise<MountedFlist> {
  const { hubUrl } = parseFlistUrl(url);
  const hub = new HttpHub(hubUrl, store.http);
  const { meta, fromHub } = await fetchFlistMeta(url, store, hub);
  const rootDir = join(store.rootsDir, meta.checksum.replace(/^sha256:/, ''));
  if (await isDir(rootDir)) return { meta, rootDir, metadataFromHub: fromHub, fetchedBlocks: 0, fetchedBytes: 0 };
  // Built beside its final place and renamed in: a root that exists is always complete.
  await mkdir(store.rootsDir, { recursive: true });
  const temp = join(store.rootsDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const result = await materialise(meta, temp, { cache: new HostBlockCache(store.cacheDir, hub) });
    await rename(temp, rootDir).catch(async (error: NodeJS.ErrnoException) => {
      // Another mount of the same flist finished first; its root is identical.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
    return { meta, rootDir, metadataFromHub: fromHub, fetchedBlocks: result.fetchedBlocks, fetchedBytes: result.fetchedBytes };
  } finally {
    await removeTree(temp);
  }
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}
