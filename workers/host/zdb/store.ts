// All namespaces of one real 0-db server under its data directory: loading them at start, NSNEW,
// NSDEL, and syncing every namespace written in a batch. Leaves out sessions and the network.

import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import type { ZdbMode } from '../../../sim/storage/zdb/namespace.js';
import type { DiskStats } from './files.js';
import { HostNamespace } from './host-namespace.js';

export const defaultNamespace = 'default';
/** 0-db refuses longer names with "Namespace too long". */
export const maxNamespaceBytes = 128;

export class ZdbStore {
  private readonly namespaces = new Map<string, HostNamespace>();
  /** Disk counters of namespaces deleted since start, so INFO's totals never go down. */
  readonly retiredDisk: DiskStats = { indexReadBytes: 0, indexWriteBytes: 0, dataReadBytes: 0, dataWriteBytes: 0, indexReadFailed: 0, indexWriteFailed: 0, dataReadFailed: 0, dataWriteFailed: 0 };

  /** `defaultMode` is the mode of namespaces created from now on, the default one included. */
  constructor(
    readonly dataDir: string,
    defaultMode: ZdbMode = 'user',
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      // Leftovers of an NSDEL cut short by a crash start with '.'; no valid name does.
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      try {
        this.namespaces.set(entry.name, HostNamespace.open(entry.name, join(dataDir, entry.name)));
      } catch (error) {
        for (const ns of this.namespaces.values()) ns.close(false);
        throw new Error(`namespace ${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.removeLeftovers();
    if (!this.namespaces.has(defaultNamespace)) this.namespaces.set(defaultNamespace, HostNamespace.open(defaultNamespace, join(dataDir, defaultNamespace), defaultMode));
  }

  get(name: string): HostNamespace | undefined {
    return this.namespaces.get(name);
  }

  mustGet(name: string): HostNamespace {
    const ns = this.namespaces.get(name);
    if (ns === undefined) throw new ZdbError(ZdbErrorCode.namespaceNotFound);
    return ns;
  }

  get names(): readonly string[] {
    return [...this.namespaces.keys()];
  }

  get all(): Iterable<HostNamespace> {
    return this.namespaces.values();
  }

  nsnew(name: string, mode: ZdbMode): void {
    if (this.namespaces.has(name)) throw new ZdbError(ZdbErrorCode.namespaceExists);
    this.namespaces.set(name, HostNamespace.open(name, join(this.dataDir, name), mode));
  }

  /** Renamed away first, so a crash halfway through removal never leaves a half namespace behind. */
  nsdel(name: string): void {
    const ns = this.mustGet(name);
    ns.close(false);
    ns.deleted = true;
    this.namespaces.delete(name);
    for (const k of Object.keys(this.retiredDisk) as (keyof DiskStats)[]) this.retiredDisk[k] += ns.files.stats[k];
    const trash = join(this.dataDir, `.deleted-${name}-${process.pid}-${Date.now()}`);
    renameSync(ns.dir, trash);
    rmSync(trash, { recursive: true, force: true });
  }

  /** Flushes and (with `fsync`) fdatasyncs every namespace written since the last call. */
  syncAll(fsync: boolean): void {
    for (const ns of this.namespaces.values()) if (ns.files.needsSync) ns.files.sync(fsync);
  }

  close(fsync: boolean): void {
    for (const ns of this.namespaces.values()) ns.close(fsync);
    this.namespaces.clear();
  }

  private removeLeftovers(): void {
    for (const entry of readdirSync(this.dataDir)) if (entry.startsWith('.deleted-')) rmSync(join(this.dataDir, entry), { recursive: true, force: true });
  }
}

/** 0-db's rule plus ours: no path separators, no `.`/`..` anywhere, nothing that hides on disk. */
export function validNamespaceName(name: string): boolean {
  return name !== '' && !name.includes('/') && !name.includes('\\') && !name.includes('..') && !name.startsWith('.') && !name.includes('\0') && name !== defaultNamespace;
}
