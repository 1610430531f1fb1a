// The reference model for the zdb model-based test: a Map of key → version list plus the flags,
// and one fast-check command per 0-db command that runs it on the simulated server and compares.
// Leaves out passwords, SCAN and IO timing: those have their own example tests.

import type fc from 'fast-check';
import type { SimEvent } from '../../sim/engine/events.js';
import type { Simulation } from '../../sim/engine/simulation.js';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { seqKey, type NsSetProperty, type ZdbValue } from '../../sim/storage/zdb/namespace.js';
import type { ZdbServer, ZdbSession } from '../../sim/storage/zdb/server.js';
import { settle } from './zdb.js';

export interface Model {
  mode: 'user' | 'seq';
  locked: boolean;
  frozen: boolean;
  worm: boolean;
  maxsizeBytes: number;
  nextId: number;
  readonly log: Map<string, (ZdbValue | null)[]>;
}

export interface Real {
  readonly sim: Simulation;
  readonly server: ZdbServer;
  readonly session: ZdbSession;
}

export function emptyModel(): Model {
  return { mode: 'user', locked: false, frozen: false, worm: false, maxsizeBytes: 0, nextId: 0, log: new Map() };
}

type Expect<T> = { error: ZdbErrorCode } | { value: T };

const live = (m: Model, key: string): ZdbValue | null => m.log.get(key)?.at(-1) ?? null;
const usedBytes = (m: Model): number => [...m.log.keys()].reduce((sum, k) => sum + (live(m, k)?.sizeBytes ?? 0), 0);

/** Runs one command on the simulation and checks it against what the model expects. */
function compare<T>(real: Real, event: SimEvent<any>, expected: Expect<T>, what: string): void {
  const outcome: { ok: boolean; value?: unknown; error?: unknown } = settle(real.sim, event);
  if ('error' in expected) {
    const code = outcome.error instanceof ZdbError ? outcome.error.zdbCode : outcome.ok ? 'success' : String(outcome.error);
    if (code !== expected.error) throw new Error(`${what}: expected ${expected.error}, got ${code}`);
    return;
  }
  if (!outcome.ok) throw new Error(`${what}: expected ${JSON.stringify(expected.value)}, got ${String(outcome.error)}`);
  if (JSON.stringify(outcome.value) !== JSON.stringify(expected.value)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected.value)}, got ${JSON.stringify(outcome.value)}`);
  }
}

export class SetCommand implements fc.Command<Model, Real> {
  constructor(readonly key: string, readonly value: ZdbValue) {}
  check = () => true;
  run(m: Model, real: Real): void {
    compare(real, real.session.set(this.key, this.value), this.apply(m), this.toString());
  }
  /** 0-db's order of checks: frozen, locked, worm, maxsize, mode rules, unchanged data. */
  private apply(m: Model): Expect<string | null> {
    if (m.frozen) return { error: ZdbErrorCode.frozen };
    if (m.locked) return { error: ZdbErrorCode.locked };
    const versions = this.key === '' ? undefined : m.log.get(this.key);
    if (versions !== undefined && m.worm) return { error: ZdbErrorCode.worm };
    const current = this.key === '' ? null : live(m, this.key);
    if (m.maxsizeBytes > 0 && usedBytes(m) + this.value.sizeBytes > m.maxsizeBytes + (current?.sizeBytes ?? 0)) return { error: ZdbErrorCode.noSpace };
    let key = this.key;
    if (m.mode === 'seq') {
      if (key !== '' && current === null) return { error: ZdbErrorCode.onlyUpdate };
      if (key === '') key = seqKey(m.nextId);
    } else if (key === '') return { error: ZdbErrorCode.keyNeeded };
    if (current !== null && current.tag !== undefined && current.tag === this.value.tag && current.sizeBytes === this.value.sizeBytes) return { value: null };
    m.log.set(key, [...(m.log.get(key) ?? []), this.value]);
    // A seq-mode write, new id or update, takes the next index slot (libzdb/index_set.c).
    if (m.mode === 'seq') m.nextId++;
    return { value: key };
  }
  toString = () => `set(${JSON.stringify(this.key)},${this.value.sizeBytes}${this.value.tag ?? ''})`;
}

export class GetCommand implements fc.Command<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  run(m: Model, real: Real): void {
    compare(real, real.session.get(this.key), m.frozen ? { error: ZdbErrorCode.frozen } : { value: live(m, this.key) }, this.toString());
  }
  toString = () => `get(${JSON.stringify(this.key)})`;
}

export class ExistsCommand implements fc.Command<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  run(m: Model, real: Real): void {
    compare(real, real.session.exists(this.key), m.frozen ? { error: ZdbErrorCode.frozen } : { value: live(m, this.key) !== null }, this.toString());
  }
  toString = () => `exists(${JSON.stringify(this.key)})`;
}

export class DelCommand implements fc.Command<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  run(m: Model, real: Real): void {
    compare(real, real.session.del(this.key), this.apply(m), this.toString());
  }
  private apply(m: Model): Expect<undefined> {
    if (m.frozen) return { error: ZdbErrorCode.frozen };
    if (m.locked) return { error: ZdbErrorCode.locked };
    if (live(m, this.key) === null) return { error: ZdbErrorCode.keyNotFound };
    if (m.worm) return { error: ZdbErrorCode.wormDelete };
    m.log.get(this.key)!.push(null);
    return { value: undefined };
  }
  toString = () => `del(${JSON.stringify(this.key)})`;
}

export class HistoryCommand implements fc.Command<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  run(m: Model, real: Real): void {
    const versions = m.log.get(this.key) ?? [];
    const expected = m.frozen
      ? { error: ZdbErrorCode.frozen }
      : live(m, this.key) === null
        ? { error: ZdbErrorCode.keyNotFound }
        : { value: versions.filter((v) => v !== null).reverse() };
    const event = real.session.history(this.key);
    const values = real.sim.event<(ZdbValue | null)[]>();
    // Timestamps are the simulator's; the model checks the values and their order.
    event.onProcessed((e) => {
      if (e.ok) values.succeed(e.value!.map((h) => h.value));
      else {
        e.defused = true;
        values.fail(e.error);
      }
    });
    compare(real, values, expected, this.toString());
  }
  toString = () => `history(${JSON.stringify(this.key)})`;
}

export class NsSetCommand implements fc.Command<Model, Real> {
  constructor(readonly property: Extract<NsSetProperty, 'mode' | 'lock' | 'freeze' | 'worm' | 'maxsize'>, readonly value: string) {}
  check = () => true;
  run(m: Model, real: Real): void {
    let expected: ZdbErrorCode | null = null;
    if (this.property === 'mode' && this.value !== m.mode && m.log.size > 0) expected = ZdbErrorCode.modeNotEmpty;
    let got: ZdbErrorCode | null = null;
    try {
      real.server.nsset(real.session.namespaceName, this.property, this.value);
    } catch (error) {
      if (!(error instanceof ZdbError)) throw error;
      got = error.zdbCode;
    }
    if (got !== expected) throw new Error(`${this.toString()}: expected ${expected ?? 'success'}, got ${got ?? 'success'}`);
    if (expected !== null) return;
    const on = this.value === '1';
    if (this.property === 'mode') m.mode = this.value as Model['mode'];
    else if (this.property === 'lock') m.locked = on;
    else if (this.property === 'freeze') m.frozen = on;
    else if (this.property === 'worm') m.worm = on;
    else m.maxsizeBytes = Number(this.value);
  }
  toString = () => `nsset(${this.property},${this.value})`;
}
