// An SSD pool of zmounts on this host: each zmount a preallocated file DATA/vdisks/<name>.img, the
// pool a configured size that the sum of zmount sizes never exceeds (zos's SSD factor is 1).
// Leaves out btrfs subvolumes, formatting, and several pools per node (zos picks the freest SSD).
//
// Crash safety: a create or grow allocates the file first and records it second; a delete records
// first and removes the file second. open() then reconciles: files no record names are removed,
// a file longer than its record (a grow cut short) is cut back, a recorded file that is gone is
// dropped and reported as lost.

import { open as openFile, mkdir, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InputError, ZmountCapacityError, ZmountNotFoundError, ZmountRefusedError } from './errors.js';
import { preallocate, type Preallocator } from './preallocate.js';
import { checkSizeBytes, checkZmountName, loadState, saveState, type ZmountRecord } from './state.js';

export interface ZmountPoolOptions {
  readonly dataDir: string;
  readonly poolSizeBytes: number;
  /** How to reserve bytes; `auto` tries the `fallocate` program and falls back to writing zeros. */
  readonly preallocate?: Preallocator | 'auto';
}

export interface ZmountView extends ZmountRecord {
  /** The backing file: what a zmachine gets as its disk. */
  readonly path: string;
  readonly attached: boolean;
}

/** What open() found and repaired; all empty after a clean shutdown. */
export interface ZmountRecovery {
  readonly removedOrphans: readonly string[];
  readonly cutBack: readonly string[];
  readonly lost: readonly string[];
}

export class ZmountPool {
  /** How the last allocation reserved its bytes: reported so a run says which it measured. */
  lastPreallocator: Preallocator | undefined;
  private readonly mounts = new Map<string, ZmountRecord>();
  private readonly attachedNames = new Set<string>();
  /** Operations run one at a time, so two creates can never both fit in the last free bytes. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly dataDir: string, readonly poolSizeBytes: number, private readonly prefer: Preallocator | 'auto', readonly recovery: ZmountRecovery) {}

  /** Opens (or creates) the pool under `dataDir`, reconciling files with the recorded state. */
  static async open(options: ZmountPoolOptions): Promise<ZmountPool> {
    const poolSizeBytes = checkSizeBytes(options.poolSizeBytes, 'zmount pool', 'poolSizeBytes');
    const vdisks = join(options.dataDir, 'vdisks');
    await mkdir(vdisks, { recursive: true, mode: 0o700 });
    const records = await loadState(options.dataDir);
    const used = records.reduce((sum, r) => sum + r.sizeBytes, 0);
    if (used > poolSizeBytes) throw new InputError('zmount pool', 'poolSizeBytes', `${poolSizeBytes} bytes cannot hold the ${used} bytes of the zmounts already in ${options.dataDir}`);
    const recovery = await reconcile(options.dataDir, records);
    const pool = new ZmountPool(options.dataDir, poolSizeBytes, options.preallocate ?? 'auto', recovery);
    for (const r of records) if (!recovery.lost.includes(r.name)) pool.mounts.set(r.name, r);
    if (recovery.lost.length > 0) await saveState(options.dataDir, [...pool.mounts.values()]);
    return pool;
  }

  get usedBytes(): number {
    let sum = 0;
    for (const r of this.mounts.values()) sum += r.sizeBytes;
    return sum;
  }

  get freeBytes(): number {
    return this.poolSizeBytes - this.usedBytes;
  }

  list(): readonly ZmountView[] {
    return [...this.mounts.values()].map((r) => this.view(r));
  }

  get(name: string): ZmountView | undefined {
    const r = this.mounts.get(name);
    return r === undefined ? undefined : this.view(r);
  }

  pathOf(name: string): string {
    return join(this.dataDir, 'vdisks', `${checkZmountName(name)}.img`);
  }

  /** Creates a zmount of `sizeBytes`, fully allocated; refused if it does not fit the pool. */
  create(name: string, sizeBytes: number): Promise<ZmountView> {
    return this.serial(async () => {
      checkZmountName(name);
      checkSizeBytes(sizeBytes);
      if (this.mounts.has(name)) throw new ZmountRefusedError(name, 'exists', 'already exists');
      if (sizeBytes > this.freeBytes) throw new ZmountCapacityError(name, sizeBytes, this.freeBytes, this.poolSizeBytes);
      const temp = join(this.dataDir, 'vdisks', `.tmp-${name}-${randomBytes(4).toString('hex')}`);
      try {
        await (await openFile(temp, 'wx', 0o600)).close();
        this.lastPreallocator = await this.allocate(name, temp, 0, sizeBytes);
        await rename(temp, this.pathOf(name));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      const record = { name, sizeBytes };
      this.mounts.set(name, record);
      await this.persist();
      return this.view(record);
    });
  }

  /** Grows a zmount; same size is a no-op, shrinking and resizing an attached disk are refused. */
  resize(name: string, sizeBytes: number): Promise<ZmountView> {
    return this.serial(async () => {
      const current = this.mustGet(name);
      checkSizeBytes(sizeBytes);
      if (sizeBytes === current.sizeBytes) return this.view(current);
      if (sizeBytes < current.sizeBytes) throw new ZmountRefusedError(name, 'shrink', `not safe to shrink (${current.sizeBytes} → ${sizeBytes} bytes)`);
      if (this.attachedNames.has(name)) throw new ZmountRefusedError(name, 'mounted', 'disk is mounted, please delete the VM first');
      const growth = sizeBytes - current.sizeBytes;
      if (growth > this.freeBytes) throw new ZmountCapacityError(name, growth, this.freeBytes, this.poolSizeBytes);
      this.lastPreallocator = await this.allocate(name, this.pathOf(name), current.sizeBytes, growth);
      const record = { name, sizeBytes };
      this.mounts.set(name, record);
      await this.persist();
      return this.view(record);
    });
  }

  /** Deletes a zmount and frees its bytes; refused while a zmachine has it attached. */
  delete(name: string): Promise<void> {
    return this.serial(async () => {
      this.mustGet(name);
      if (this.attachedNames.has(name)) throw new ZmountRefusedError(name, 'mounted', 'disk is mounted, please delete the VM first');
      this.mounts.delete(name);
      await this.persist();
      await rm(this.pathOf(name), { force: true });
    });
  }

  /** Marks a zmount in use by a zmachine and returns its file; in memory only, as processes are. */
  attach(name: string): string {
    this.mustGet(name);
    this.attachedNames.add(name);
    return this.pathOf(name);
  }

  detach(name: string): void {
    this.attachedNames.delete(name);
  }

  private mustGet(name: string): ZmountRecord {
    const r = this.mounts.get(checkZmountName(name));
    if (r === undefined) throw new ZmountNotFoundError(name);
    return r;
  }

  private view(r: ZmountRecord): ZmountView {
    return { name: r.name, sizeBytes: r.sizeBytes, path: this.pathOf(r.name), attached: this.attachedNames.has(r.name) };
  }

  /** A full host disk is a capacity refusal like the pool's own, not a crash. */
  private async allocate(name: string, path: string, offsetBytes: number, lengthBytes: number): Promise<Preallocator> {
    try {
      const how = await preallocate(path, offsetBytes, lengthBytes, this.prefer);
      const handle = await openFile(path, 'r+');
      await handle.sync().finally(() => handle.close());
      return how;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        if (offsetBytes > 0) await truncate(path, offsetBytes).catch(() => undefined);
        throw new ZmountCapacityError(name, lengthBytes, 0, this.poolSizeBytes);
      }
      throw error;
    }
  }

  private persist(): Promise<void> {
    return saveState(this.dataDir, [...this.mounts.values()]);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function reconcile(dataDir: string, records: readonly ZmountRecord[]): Promise<ZmountRecovery> {
  const vdisks = join(dataDir, 'vdisks');
  const byFile = new Map(records.map((r) => [`${r.name}.img`, r]));
  const removedOrphans: string[] = [];
  const cutBack: string[] = [];
  const lost: string[] = [];
  for (const file of (await readdir(vdisks)).sort()) {
    if (byFile.has(file)) continue;
    await rm(join(vdisks, file), { force: true, recursive: true });
    removedOrphans.push(file);
  }
  for (const r of records) {
    const s = await stat(join(vdisks, `${r.name}.img`)).catch(() => undefined);
    if (s === undefined) lost.push(r.name);
    else if (s.size > r.sizeBytes) {
      // Bytes of a grow that was never acknowledged: cutting them loses nothing anyone was promised.
      await truncate(join(vdisks, `${r.name}.img`), r.sizeBytes);
      cutBack.push(r.name);
    }
  }
  return { removedOrphans, cutBack, lost };
}
