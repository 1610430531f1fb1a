// The harness of 0-db's own test suite (threefoldtech/0-db tests/zdb_utils.c, tests.c), ported:
// one connection, each case a function that passes, is skipped in the server's mode, or throws.
// The helpers keep zdb_utils.c's meaning (zdb_command: a status reply; zdb_command_error: an error
// or nil; zdb_set: the key back as a string); the cases are in zdb-suite-cases-*.ts.

import { createHash } from 'node:crypto';
import { RespClient, type Reply } from './resp-client.js';

export type Outcome = 'success' | 'skipped';

export interface SuiteCase {
  /** The 0-db test file and function name, e.g. zdb_default.c: default_set_hello. */
  readonly file: string;
  readonly name: string;
  /** runtest_prio's priority: cases run by it, then in file order (GCC constructor order). */
  readonly prio: number;
  run(s: Suite): Promise<Outcome>;
}

/** A case in one of 0-db's files: `c(prio, name, run)`. */
export function caseMaker(file: string): (prio: number, name: string, run: (s: Suite) => Promise<Outcome>) => SuiteCase {
  return (prio, name, run) => ({ file, name, prio, run });
}

export class SuiteFailure extends Error {}

function describe(r: Reply | null): string {
  if (r === null) return 'connection closed';
  if (r.type === 'array') return `array of ${r.elements.length}`;
  if (r.type === 'integer') return `integer ${r.integer}`;
  if (r.type === 'nil') return 'nil';
  return `${r.type} ${JSON.stringify(r.str.slice(0, 80))}`;
}

export class Suite {
  /** test->mode: set by check_running_mode from NSINFO default. */
  mode: 'user' | 'seq' = 'user';

  constructor(
    public conn: RespClient,
    readonly port: number,
  ) {}

  /** initialize_tcp: a new connection replaces the current one (as after a refused request). */
  async reconnect(): Promise<void> {
    this.conn.close();
    this.conn = await RespClient.connect(this.port);
  }

  async raw(...args: (string | Buffer)[]): Promise<Reply | null> {
    return this.conn.command(...args);
  }

  /** zdb_command: the reply must be a status. */
  async command(...args: (string | Buffer)[]): Promise<Outcome> {
    const r = await this.raw(...args);
    if (r?.type !== 'status') throw new SuiteFailure(`${args[0]}: expected a status, got ${describe(r)}`);
    return 'success';
  }

  /** zdb_command_str: the reply must be a bulk string. */
  async commandStr(...args: (string | Buffer)[]): Promise<Outcome> {
    const r = await this.raw(...args);
    if (r?.type !== 'string') throw new SuiteFailure(`${args[0]}: expected a string, got ${describe(r)}`);
    return 'success';
  }

  /** zdb_command_error: an error or nil; with `text`, ours must also be 0-db's exact error. */
  async commandError(args: (string | Buffer)[], text?: string): Promise<Outcome> {
    const r = await this.raw(...args);
    if (r?.type !== 'error' && r?.type !== 'nil') throw new SuiteFailure(`${args[0]}: expected an error, got ${describe(r)}`);
    if (text !== undefined && (r.type !== 'error' || r.str !== text)) throw new SuiteFailure(`${args[0]}: expected -${text}, got ${describe(r)}`);
    return 'success';
  }

  /** zdb_command_integer. */
  async integer(...args: (string | Buffer)[]): Promise<number> {
    const r = await this.raw(...args);
    if (r?.type !== 'integer') throw new SuiteFailure(`${args[0]}: expected an integer, got ${describe(r)}`);
    return r.integer;
  }

  /** zdb_set (user mode only): SET replies the key. */
  async set(key: string | Buffer, value: string | Buffer): Promise<Outcome> {
    if (this.mode === 'seq') return 'skipped';
    return this.bset(key, value);
  }

  /** zdb_bset: SET of binary key and payload replies the key. */
  async bset(key: string | Buffer, value: string | Buffer): Promise<Outcome> {
    const r = await this.raw('SET', key, value);
    const expected = typeof key === 'string' ? Buffer.from(key) : key;
    if (r?.type !== 'string' || !r.buf.subarray(0, expected.length).equals(expected)) throw new SuiteFailure(`SET: expected the key back, got ${describe(r)}`);
    return 'success';
  }

  /** zdb_set_seq (seq mode only): SET with an id (or none, SEQNEW) replies an 8-byte id. */
  async setSeq(id: bigint | null, value: string): Promise<bigint | 'skipped'> {
    if (this.mode === 'user') return 'skipped';
    const key = Buffer.alloc(id === null ? 0 : 8);
    if (id !== null) key.writeBigUInt64LE(id);
    const r = await this.raw('SET', key, value);
    if (r?.type !== 'string' || r.buf.length !== 8) throw new SuiteFailure(`SET: expected an 8-byte id, got ${describe(r)}`);
    return r.buf.readBigUInt64LE();
  }

  /** zdb_check: GET gives exactly this value (strcmp). */
  async check(key: string | Buffer, value: string | Buffer): Promise<Outcome> {
    return this.getMatches(key, value, false);
  }

  /** zdb_bcheck: GET's value starts with these bytes (memcmp over the expected length). */
  async bcheck(key: string | Buffer, value: string | Buffer): Promise<Outcome> {
    return this.getMatches(key, value, true);
  }

  private async getMatches(key: string | Buffer, value: string | Buffer, prefix: boolean): Promise<Outcome> {
    const r = await this.raw('GET', key);
    if (r?.type !== 'string') throw new SuiteFailure(`GET: expected a string, got ${describe(r)}`);
    const expected = typeof value === 'string' ? Buffer.from(value) : value;
    const got = prefix ? r.buf.subarray(0, expected.length) : r.buf;
    if (!got.equals(expected)) throw new SuiteFailure(`GET: another value (${r.buf.length} bytes)`);
    return 'success';
  }

  /** zdb_nsnew: OK, or the namespace exists already (a warning there, a pass here). */
  async nsnew(name: string): Promise<Outcome> {
    const r = await this.raw('NSNEW', name);
    if (r?.type === 'error' && r.str === 'This namespace is not available') return 'success';
    if (r?.type !== 'status') throw new SuiteFailure(`NSNEW: expected a status, got ${describe(r)}`);
    return 'success';
  }

  /** zdb_response_scan / zdb_response_history: an array of `length`. */
  async array(length: number, ...args: (string | Buffer)[]): Promise<Reply[]> {
    const r = await this.raw(...args);
    if (r?.type !== 'array' || r.elements.length !== length) throw new SuiteFailure(`${args[0]}: expected an array of ${length}, got ${describe(r)}`);
    return r.elements;
  }

  /** zdb_auth_challenge. */
  async challenge(): Promise<string> {
    const r = await this.raw('AUTH', 'SECURE', 'CHALLENGE');
    if (r?.type !== 'status') throw new SuiteFailure(`AUTH SECURE CHALLENGE: got ${describe(r)}`);
    return r.str;
  }

  /**
   * zdb_basic_check (run after default_del_deleted): a missing key, a deleted key, an extra
   * argument, no argument, a 511-byte key and an empty argument are all refused.
   */
  async basicCheck(command: string, deviation: { extraArgument?: 'OK' } = {}): Promise<Outcome> {
    const long = 'x'.repeat(511);
    for (const args of [[command, 'non-existing'], [command, 'deleted'], [command, 'hello', 'world'], [command], [command, long], [command, '']]) {
      if (args.length === 3 && deviation.extraArgument === 'OK') await this.command(...args);
      else await this.commandError(args);
    }
    return 'success';
  }
}

/** zdb_hash_password (libzdb/security.c): hex sha1 of "challenge:password". */
export function hashPassword(challenge: string, password: string): string {
  return createHash('sha1').update(`${challenge}:${password}`).digest('hex');
}

/** A reply's string, for cases that look inside an array. */
export function str(r: Reply | undefined): string {
  if (r === undefined || (r.type !== 'string' && r.type !== 'status' && r.type !== 'error')) throw new SuiteFailure(`expected a string, got ${r === undefined ? 'nothing' : describe(r)}`);
  return r.str;
}
