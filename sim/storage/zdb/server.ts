// A 0-db server on one HDD (zos runs one 0-db container per disk): namespaces, SELECT sessions,
// and the disk IO behind each command, so latency comes from the HDD model and a dead disk fails it.
// Leaves out the network hop to the client, RESP framing, the index files' own IO and datafile rotation.

import type { SimEvent } from '../../engine/events.js';
import type { ProcessGenerator } from '../../engine/process.js';
import type { Simulation } from '../../engine/simulation.js';
import { SimulationError } from '../../errors.js';
import type { StorageDevice } from '../../hardware/storage-device.js';
import { ZdbError, ZdbErrorCode } from './errors.js';
import { Namespace, type NamespaceInfo, type NamespaceSettings, type NsSetProperty, type ScanPage, type ZdbValue } from './namespace.js';

/** The port zos's 0-db containers listen on. */
export const zdbPort = 9900;

export interface HistoryEntry {
  /** null for a deletion marker. */
  readonly value: ZdbValue | null;
  readonly timestampS: number;
}

export class ZdbServer {
  private readonly namespaces = new Map<string, Namespace>();
  /**
   * Every namespace appends into its own data files, all on this disk: one append cursor models
   * that, so consecutive SETs land at growing offsets (sequential writes). It wraps at the end of
   * the disk as if compaction had freed the start; capacity itself is guarded by maxsize and the
   * grid's HDD reservations, not here.
   */
  private appendAtBytes = 0;

  constructor(
    readonly sim: Simulation,
    readonly disk: StorageDevice,
  ) {}

  /** NSNEW (admin). */
  nsnew(name: string, settings: Partial<NamespaceSettings> = {}): Namespace {
    if (this.namespaces.has(name)) throw new ZdbError(ZdbErrorCode.namespaceExists, name);
    const ns = new Namespace(name, settings);
    this.namespaces.set(name, ns);
    return ns;
  }

  /** NSDEL (admin): the namespace's data is gone; open sessions get "namespace not found". */
  nsdel(name: string): void {
    if (!this.namespaces.delete(name)) throw new ZdbError(ZdbErrorCode.namespaceNotFound, name);
  }

  namespace(name: string): Namespace | undefined {
    return this.namespaces.get(name);
  }

  get namespaceNames(): readonly string[] {
    return [...this.namespaces.keys()];
  }

  /** NSSET (admin). Metadata only: 0-db keeps it in a small descriptor file, not timed here. */
  nsset(name: string, property: NsSetProperty, value: string): void {
    this.mustFind(name).nsset(property, value);
  }

  nsinfo(name: string): NamespaceInfo {
    return this.mustFind(name).info();
  }

  /**
   * SELECT. A public namespace with a password gives anonymous clients a read-only session; a
   * private one needs the password; a wrong password is always refused.
   */
  select(name: string, password?: string): ZdbSession {
    const s = this.mustFind(name).settings;
    if (s.password === '') return new ZdbSession(this, name, true);
    if (password === s.password) return new ZdbSession(this, name, true);
    if (password === undefined && s.public) return new ZdbSession(this, name, false);
    throw new ZdbError(ZdbErrorCode.accessDenied);
  }

  /** Internal: the next append position for `entryBytes` on the disk. */
  place(entryBytes: number): number {
    if (entryBytes > this.disk.capacityBytes) throw new SimulationError(`zdb entry of ${entryBytes} bytes exceeds ${this.disk.name}`);
    if (this.appendAtBytes + entryBytes > this.disk.capacityBytes) this.appendAtBytes = 0;
    const at = this.appendAtBytes;
    this.appendAtBytes += entryBytes;
    return at;
  }

  mustFind(name: string): Namespace {
    const ns = this.namespaces.get(name);
    if (ns === undefined) throw new ZdbError(ZdbErrorCode.namespaceNotFound, name);
    return ns;
  }
}

/**
 * A client connection with a namespace selected. Every command returns an event that succeeds with
 * 0-db's reply or fails with ZdbError (refused) or DeviceFailedError (the disk died). State changes
 * when the command arrives, so commands issued back to back see each other's effects in order.
 */
export class ZdbSession {
  constructor(
    readonly server: ZdbServer,
    readonly namespaceName: string,
    /** False for an anonymous session on a public namespace with a password. */
    readonly writable: boolean,
  ) {}

  /** SET: succeeds with the key written (seq mode: the new id) or null when the data is unchanged. */
  set(key: string, value: ZdbValue): SimEvent<string | null> {
    return this.command((ns, sim, disk) => {
      if (!this.writable) throw new ZdbError(ZdbErrorCode.readOnly);
      let offsetBytes = 0;
      let entryBytes = 0;
      const written = ns.set(key, value, sim.nowS, (bytes) => {
        entryBytes = bytes;
        return (offsetBytes = this.server.place(bytes));
      });
      if (written === null) return sim.event<string | null>().succeed(null);
      return after<string | null, number>(sim, disk.write(offsetBytes, entryBytes), written);
    });
  }

  /** GET: reads the live entry from disk; null (no IO) for a missing or deleted key. */
  get(key: string): SimEvent<ZdbValue | null> {
    return this.command((ns, sim, disk) => {
      const version = ns.get(key);
      if (version === null) return sim.event<ZdbValue | null>().succeed(null);
      return after(sim, disk.read(version.offsetBytes, version.entryBytes), version.value);
    });
  }

  /** DEL: appends a deletion marker (a small sequential write). */
  del(key: string): SimEvent<void> {
    return this.command((ns, sim, disk) => {
      if (!this.writable) throw new ZdbError(ZdbErrorCode.readOnly);
      let offsetBytes = 0;
      let entryBytes = 0;
      ns.del(key, sim.nowS, (bytes) => {
        entryBytes = bytes;
        return (offsetBytes = this.server.place(bytes));
      });
      return after<void, number>(sim, disk.write(offsetBytes, entryBytes), undefined);
    });
  }

  /** EXISTS: answered from the in-memory index, no IO. */
  exists(key: string): SimEvent<boolean> {
    return this.command((ns, sim) => sim.event<boolean>().succeed(ns.exists(key)));
  }

  /** HISTORY: every value newest first, deletions skipped; each is read from disk (the walk follows offsets back). */
  history(key: string): SimEvent<HistoryEntry[]> {
    return this.command((ns, sim, disk) => {
      const versions = ns.history(key);
      const entries = versions.map((v) => ({ value: v.value, timestampS: v.timestampS }));
      return after(sim, sim.allOf(versions.map((v) => disk.read(v.offsetBytes, v.entryBytes))), entries);
    });
  }

  /**
   * Rollback as a 0-db client does it (0-db has no rollback command): read HISTORY, then append the
   * value `versionsBack` steps before the current one again. HISTORY skips deletions, so do we.
   * History only grows; succeeds with the value now current (null when that means deleted).
   */
  rollback(key: string, versionsBack = 1): SimEvent<ZdbValue | null> {
    return this.server.sim.process(this.rollbackSteps(key, versionsBack), `zdb rollback ${key}`);
  }

  private *rollbackSteps(key: string, versionsBack: number): ProcessGenerator<ZdbValue | null> {
    const history: HistoryEntry[] = yield this.history(key); // newest first
    const target = history[versionsBack];
    if (!(Number.isInteger(versionsBack) && versionsBack >= 1) || target === undefined) {
      throw new ZdbError(ZdbErrorCode.invalidArgument, `key ${key} has ${history.length} versions; cannot go back ${versionsBack}`);
    }
    if (target.value === null) {
      yield this.del(key);
      return null;
    }
    yield this.set(key, target.value);
    return target.value;
  }

  /** SCAN: from the index, no IO (sizes and timestamps are in the index entries). */
  scan(cursor: string | null = null, count = 10): SimEvent<ScanPage> {
    return this.command((ns, sim) => sim.event<ScanPage>().succeed(ns.scan(cursor, count)));
  }

  dbsize(): SimEvent<number> {
    return this.command((ns, sim) => sim.event<number>().succeed(ns.dbsize));
  }

  nsinfo(): SimEvent<NamespaceInfo> {
    return this.command((ns, sim) => sim.event<NamespaceInfo>().succeed(ns.info()));
  }

  /** Runs `body`, turning a refusal or a dead disk into a failed event rather than a throw. */
  private command<T>(body: (ns: Namespace, sim: Simulation, disk: StorageDevice) => SimEvent<T>): SimEvent<T> {
    const { sim, disk } = this.server;
    // A dead disk takes the 0-db process and all its namespaces with it (DOMAIN 1.6).
    if (disk.failure !== null) return sim.event<T>().fail(disk.failure);
    try {
      return body(this.server.mustFind(this.namespaceName), sim, disk);
    } catch (error) {
      if (error instanceof ZdbError) return sim.event<T>().fail(error);
      throw error;
    }
  }
}

/** An event that ends like `io` but carries `value` instead of the IO's latency. */
function after<T, U = unknown>(sim: Simulation, io: SimEvent<U>, value: T): SimEvent<T> {
  const done = sim.event<T>();
  io.onProcessed((event) => {
    if (event.ok) done.succeed(value);
    else {
      event.defused = true;
      done.fail(event.error);
    }
  });
  return done;
}
