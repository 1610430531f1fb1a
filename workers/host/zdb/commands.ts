// The commands of the real 0-db server: one session's request in, one encoded RESP reply out, with
// 0-db's argument checks and reply shapes. Leaves out sockets and batching (server.ts) and storage.

import { createHash, randomBytes } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import type { NsSetProperty } from '../../../sim/storage/zdb/namespace.js';
import { seqIdBytes, type HostNamespace } from './host-namespace.js';
import { arrayReply, bulkReply, errorReply, integerReply, nilReply, okReply, pongReply } from './resp.js';
import { ZdbReplyError } from './reply-error.js';
import { defaultNamespace, maxNamespaceBytes, validNamespaceName, type ZdbStore } from './store.js';

/** One client connection's state. */
export interface Session {
  ns: HostNamespace;
  /** False for an anonymous session on a public namespace that has a password. */
  writable: boolean;
  /** Every session is admin when the server has no admin password (zdbd/redis.c, socket_client_new). */
  admin: boolean;
  /** The last `AUTH SECURE CHALLENGE` answer, until an `AUTH SECURE hash` uses it up. */
  nonce: string | null;
}

/** What the server knows about itself, for INFO. */
export interface ServerStats {
  readonly bootTimeS: number;
  clients: number;
  commands: number;
  failed: number;
  /** Commands refused with "Permission denied" (0-db's commands_unauthorized). */
  unauthorized: number;
  /** Bytes received from and sent to clients (network_rx_bytes, network_tx_bytes). */
  rxBytes: number;
  txBytes: number;
}

/** The server's settings the commands read: only the admin password so far. */
export interface ServerConfig {
  /** null: no admin password, every session is admin and AUTH says "Authentication disabled". */
  readonly adminPassword: string | null;
}

export function newSession(ns: HostNamespace, config: ServerConfig): Session {
  return { ns, writable: true, admin: config.adminPassword === null, nonce: null };
}

/** Raised when the session must end after this reply (QUIT, or its namespace was deleted). */
export class CloseAfterReply extends Error {
  constructor(readonly reply: Buffer) {
    super('close after reply');
  }
}

const maxMgetKeys = 1023;
const maxMgetReplyBytes = 64 * 1024 * 1024;
const scanPageEntries = 128;
const nsSetProperties = new Set<string>(['maxsize', 'password', 'public', 'mode', 'lock', 'freeze', 'worm']);

export function execute(store: ZdbStore, session: Session, args: Buffer[], stats: ServerStats, config: ServerConfig = { adminPassword: null }): Buffer {
  stats.commands++;
  try {
    if (session.ns.deleted) throw new CloseAfterReply(errorReply('Your active namespace is not available anymore (probably removed).'));
    return run(store, session, args, stats, config);
  } catch (error) {
    if (error instanceof CloseAfterReply) throw error;
    stats.failed++;
    if (error instanceof ZdbError) return errorReply(error.reply);
    if (error instanceof ZdbReplyError) return errorReply(error.reply);
    throw error;
  }
}

/** A refusal with 0-db's text where no ZdbError code fits (argument shape, namespace names). */
const CommandError = ZdbReplyError;

/** zdbd/commands.c, command_admin_authorized: checked before anything else in the command. */
function mustBeAdmin(session: Session, stats: ServerStats): void {
  if (session.admin) return;
  stats.unauthorized++;
  throw new CommandError('Permission denied');
}

/** SET/DEL's optional timestamp (admin only), read with atoll and stored as 0-db's u32. */
function timestampArg(raw: Buffer | undefined, nowS: number): number {
  if (raw === undefined) return nowS;
  const m = /^\s*([+-]?\d+)/.exec(raw.toString('latin1'));
  return m === null ? 0 : Number(BigInt.asUintN(32, BigInt(m[1]!)));
}

function run(store: ZdbStore, session: Session, args: Buffer[], stats: ServerStats, config: ServerConfig): Buffer {
  const name = args[0]!.toString('latin1').toUpperCase();
  const nowS = Math.floor(Date.now() / 1000);
  const ns = session.ns;
  switch (name) {
    case 'PING':
      return pongReply;
    case 'QUIT':
      // Not in 0-db either; redis clients send it to close politely (ioredis quit()).
      throw new CloseAfterReply(okReply);
    case 'HELLO':
      // Not in 0-db, which says "Command not supported"; redis's NOPROTO makes RESP3-first clients
      // (ioredis 6 by default) fall back to RESP2 instead of failing to connect.
      throw new CommandError('NOPROTO this server speaks RESP2 only');
    case 'TIME': {
      const nowUs = BigInt(Date.now()) * 1000n;
      return arrayReply([bulkReply(String(nowUs / 1_000_000n)), bulkReply(String(nowUs % 1_000_000n))]);
    }
    case 'SET':
    case 'SETX':
      // zdbd/commands_set.c: a 4th argument (the timestamp) is for admins; else exactly 3, empty allowed.
      if (args.length === 4) mustBeAdmin(session, stats);
      else arity(args, 3);
      return bulkReply(ns.set(args[1]!, args[2]!, session.writable, timestampArg(args[3], nowS)));
    case 'GET':
      arity(args, 2, true);
      return bulkReply(ns.get(args[1]!));
    case 'MGET': {
      if (args.length < 2) throw new CommandError('Unexpected arguments');
      if (args.length - 1 > maxMgetKeys) throw new CommandError('Too many keys');
      const entries = args.slice(1).map((key) => ns.live(key));
      // 1023 values of 8 MiB would be 8 GiB in one reply: refuse rather than run out of memory.
      if (entries.reduce((sum, e) => sum + (e?.payloadLen ?? 0), 0) > maxMgetReplyBytes) throw new CommandError('Reply too large, use fewer keys');
      return arrayReply(entries.map((e) => bulkReply(e === null ? null : ns.files.readPayload(e))));
    }
    case 'DEL':
      // zdbd/commands_dataset.c: DEL key timestamp is for admins.
      if (args.length === 3) mustBeAdmin(session, stats);
      else arity(args, 2, true);
      ns.del(args[1]!, session.writable, timestampArg(args[2], nowS));
      return okReply;
    case 'EXISTS':
      arity(args, 2, true);
      return integerReply(ns.live(args[1]!) === null ? 0 : 1);
    case 'CHECK': {
      arity(args, 2, true);
      const ok = ns.check(args[1]!);
      return ok === null ? nilReply : integerReply(ok ? 1 : 0);
    }
    case 'HISTORY': {
      if (args.length !== 2 && args.length !== 3) throw new CommandError('Invalid arguments');
      const step = ns.history(args[1]!, args[2]?.toString('latin1'));
      return arrayReply([bulkReply(step.previous), bulkReply(String(step.timestampS)), bulkReply(step.payload)]);
    }
    case 'SCAN':
    case 'SCANX':
      return scan(ns, args);
    case 'DBSIZE':
      return integerReply(ns.dbsize);
    case 'INFO':
      return bulkReply(info(store, stats));
    case 'AUTH':
      return auth(session, args, config);
    case 'SELECT':
      return select(store, session, args);
    case 'NSNEW': {
      mustBeAdmin(session, stats);
      arity(args, 2, true);
      store.nsnew(namespaceName(args[1]!, true));
      return okReply;
    }
    case 'NSDEL': {
      mustBeAdmin(session, stats);
      arity(args, 2, true);
      const target = namespaceName(args[1]!, false);
      if (target === defaultNamespace) throw new CommandError('Cannot remove default namespace');
      if (store.mustGet(target) === session.ns) throw new CommandError("Cannot remove namespace you're currently using.");
      store.nsdel(target);
      return okReply;
    }
    case 'NSLIST':
      return arrayReply(store.names.map((n) => bulkReply(n)));
    case 'NSINFO':
      arity(args, 2, true);
      return bulkReply(nsinfo(store.mustGet(namespaceName(args[1]!, false))));
    case 'NSSET': {
      // zdbd/commands_namespace.c, command_nsset, in its order: admin, arity, lengths, existence;
      // mode, lock and freeze apply to the default namespace too, the others do not.
      mustBeAdmin(session, stats);
      arity(args, 4, true);
      if (args[1]!.length > maxNamespaceBytes) throw new CommandError('Namespace too long');
      if (args[2]!.length > 256 || args[3]!.length > 63) throw new CommandError('Argument too long');
      const target = namespaceName(args[1]!, false);
      const ns = store.mustGet(target);
      const property = args[2]!.toString('latin1');
      const anyNamespace = property === 'mode' || property === 'lock' || property === 'freeze';
      if (!anyNamespace && target === defaultNamespace) throw new CommandError('Cannot update default namespace');
      if (!nsSetProperties.has(property)) throw new CommandError('Invalid property');
      ns.nsset(property as NsSetProperty, args[3]!.toString('utf8'));
      return okReply;
    }
    default:
      throw new CommandError('Command not supported');
  }
}

/** 0-db's command_args_validate: the exact count and, with `nonEmpty`, no empty argument. */
function arity(args: Buffer[], expected: number, nonEmpty = false): void {
  if (args.length !== expected) throw new CommandError('Unexpected arguments');
  if (nonEmpty && args.some((a) => a.length === 0)) throw new CommandError('Invalid argument');
}

/** A namespace name as text; invalid UTF-8 or control bytes could name a different directory. */
function namespaceName(raw: Buffer, creating: boolean): string {
  if (raw.length > maxNamespaceBytes) throw new CommandError('Namespace too long');
  const name = raw.toString('utf8');
  const clean = Buffer.from(name, 'utf8').equals(raw) && !/[\x00-\x1f\x7f]/.test(name);
  if (creating && !(clean && validNamespaceName(name))) throw new CommandError('This name is not allowed');
  if (!clean) throw new ZdbError(ZdbErrorCode.namespaceNotFound);
  return name;
}

/**
 * SELECT name [password | SECURE hash], as zdbd/commands_namespace.c (command_select): no password
 * set ⇒ read-write, whatever else is sent; none given on a public namespace ⇒ read-only; a private
 * one ⇒ "Namespace protected and private"; SECURE takes sha1(nonce:password) after AUTH SECURE
 * CHALLENGE, and leaves the nonce in place (only AUTH SECURE uses it up).
 */
function select(store: ZdbStore, session: Session, args: Buffer[]): Buffer {
  if (args.length < 2) throw new CommandError('Invalid argument');
  if (args[1]!.length > maxNamespaceBytes) throw new CommandError('Namespace too long');
  const ns = store.mustGet(namespaceName(args[1]!, false));
  let writable = true;
  const password = ns.settings.password;
  if (password !== '') {
    if (args.length < 3) {
      if (!ns.settings.public) throw new CommandError('Namespace protected and private');
      writable = false;
    } else if (args.length > 4) {
      throw new CommandError('Too many arguments');
    } else if (args.length === 3) {
      if (args[2]!.length > 255) throw new CommandError('Password too long');
      if (!passwordMatches(args[2]!, password)) throw new ZdbError(ZdbErrorCode.accessDenied);
    } else {
      secureCheck(session, args[2]!, args[3]!, password);
    }
  }
  session.ns = ns;
  session.writable = writable;
  return okReply;
}

/**
 * AUTH password, AUTH SECURE CHALLENGE and AUTH SECURE sha1hex, as zdbd/commands_auth.c: the
 * challenge is 8 random bytes in hex (libzdb/security.c, zdb_challenge) and works even without an
 * admin password; the hash is hex sha1 of "nonce:password" (zdb_hash_password), and one attempt,
 * right or wrong, uses the nonce up.
 */
function auth(session: Session, args: Buffer[], config: ServerConfig): Buffer {
  const admin = config.adminPassword;
  if (args.length === 2) {
    if (admin === null) return errorReply('Authentication disabled');
    arity(args, 2, true);
    if (args[1]!.length > 128) throw new CommandError('Password too long');
    if (!passwordMatches(args[1]!, admin)) throw new ZdbError(ZdbErrorCode.accessDenied);
    session.admin = true;
    return okReply;
  }
  if (args.length !== 3) throw new CommandError('Unexpected arguments');
  arity(args, 3, true);
  if (!isPrefixOf(args[1]!, 'SECURE')) throw new CommandError('Only SECURE extra method supported');
  if (isPrefixOf(args[2]!, 'CHALLENGE')) {
    session.nonce = randomBytes(8).toString('hex');
    return Buffer.from(`+${session.nonce}\r\n`);
  }
  if (admin === null) return errorReply('Authentication disabled');
  if (session.nonce === null) throw new CommandError('No CHALLENGE requested, secure authentication not available');
  if (args[2]!.length !== 40) throw new CommandError('Invalid hash length');
  const granted = passwordMatches(args[2]!, secureHash(session.nonce, admin));
  session.nonce = null;
  if (!granted) throw new ZdbError(ZdbErrorCode.accessDenied);
  session.admin = true;
  return okReply;
}

/** The SECURE hash check that SELECT and AUTH share, with their texts. */
function secureCheck(session: Session, method: Buffer, hash: Buffer, password: string): void {
  if (!isPrefixOf(method, 'SECURE')) throw new CommandError('Only SECURE extra method supported');
  if (session.nonce === null) throw new CommandError('No CHALLENGE requested, secure authentication not available');
  if (hash.length !== 40) throw new CommandError('Invalid hash length');
  if (!passwordMatches(hash, secureHash(session.nonce, password))) throw new ZdbError(ZdbErrorCode.accessDenied);
}

/** What a client sends to `AUTH SECURE` or `SELECT ns SECURE`: hex sha1 of "nonce:password". */
export function secureHash(nonce: string, password: string): string {
  return createHash('sha1').update(`${nonce}:${password}`).digest('hex');
}

/** 0-db copies the argument with "%.*s" (so it ends at a NUL byte) and strcmp()s it. */
function passwordMatches(given: Buffer, expected: string): boolean {
  const nul = given.indexOf(0);
  return (nul === -1 ? given : given.subarray(0, nul)).equals(Buffer.from(expected, 'utf8'));
}

/** strncasecmp(arg, word, arg length) == 0: the argument is a case-blind prefix of `word`. */
function isPrefixOf(arg: Buffer, word: string): boolean {
  return arg.length <= word.length && arg.toString('latin1').toUpperCase() === word.slice(0, arg.length);
}

/** SCAN [cursor]: [next cursor, [[key, size, timestamp], …]]; "No more data" past the end. */
function scan(ns: HostNamespace, args: Buffer[]): Buffer {
  if (args.length > 2) throw new CommandError('Unexpected arguments');
  const text = args[1]?.toString('latin1') ?? '0';
  if (!/^\d{1,15}$/.test(text)) throw new CommandError('Invalid key format');
  const page = ns.scan(Number(text), scanPageEntries);
  if (page.entries.length === 0) throw new CommandError('No more data');
  const items = page.entries.map((e) => arrayReply([bulkReply(e.key), integerReply(e.payloadLen), integerReply(e.timestampS)]));
  return arrayReply([bulkReply(String(page.next)), arrayReply(items)]);
}

/** NSINFO's text, field names as 0-db prints them, plus lock and freeze. */
function nsinfo(ns: HostNamespace): string {
  const s = ns.settings;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = [
    '# namespace',
    `name: ${ns.name}`,
    `entries: ${ns.dbsize}`,
    `public: ${yes(s.public)}`,
    `worm: ${yes(s.worm)}`,
    `locked: ${yes(s.locked)}`,
    `frozen: ${yes(s.frozen)}`,
    `password: ${yes(s.password !== '')}`,
    `data_size_bytes: ${ns.dataSizeBytes}`,
    `data_size_mb: ${(ns.dataSizeBytes / 1048576).toFixed(2)}`,
    `data_limits_bytes: ${s.maxsizeBytes}`,
    `data_disk_bytes: ${ns.files.dataSizeBytes}`,
    `index_size_bytes: ${ns.files.indexSizeBytes}`,
    `index_size_kb: ${(ns.files.indexSizeBytes / 1024).toFixed(2)}`,
    `mode: ${s.mode === 'seq' ? 'sequential' : 'userkey'}`,
  ];
  // zdbd/commands_namespace.c (command_nsinfo): the space left only when a limit is set, then the
  // free space under the index and the data (one directory here, so the same numbers twice).
  if (s.maxsizeBytes > 0) lines.push(`space_available: ${Math.max(0, s.maxsizeBytes - ns.dataSizeBytes)}`);
  try {
    const fs = statfsSync(ns.dir);
    const free = fs.bavail * fs.bsize;
    for (const what of ['index', 'data']) lines.push(`${what}_disk_freespace_bytes: ${free}`, `${what}_disk_freespace_mb: ${(free / 1048576).toFixed(2)}`);
  } catch {
    // Free space is advisory; a filesystem that cannot report it still serves data.
  }
  return lines.join('\n') + '\n';
}

/**
 * INFO in zdbd/commands_system.c's layout (command_info). Left out: instance_id, data_version and
 * index_version (our files are not 0-db's format) and the disk read/write counters (not kept yet);
 * namespaces and memory_rss_bytes are ours.
 */
function info(store: ZdbStore, stats: ServerStats): string {
  const nowS = Math.floor(Date.now() / 1000);
  const mb = (bytes: number): string => (bytes / 1048576).toFixed(2);
  return [
    '# server',
    'server_name: 0-db (zdb)',
    'server_revision: zos-testbed',
    'engine_revision: zos-testbed',
    `boot_time: ${stats.bootTimeS}`,
    `uptime: ${nowS - stats.bootTimeS}`,
    '',
    '# clients',
    `clients_lifetime: ${stats.clients}`,
    '',
    '# internals',
    `sequential_key_size: ${seqIdBytes}`,
    '',
    '# stats',
    `commands_executed: ${stats.commands}`,
    `commands_failed: ${stats.failed}`,
    `commands_unauthorized: ${stats.unauthorized}`,
    `network_rx_bytes: ${stats.rxBytes}`,
    `network_rx_mb: ${mb(stats.rxBytes)}`,
    `network_tx_bytes: ${stats.txBytes}`,
    `network_tx_mb: ${mb(stats.txBytes)}`,
    `namespaces: ${store.names.length}`,
    `memory_rss_bytes: ${process.memoryUsage.rss()}`,
    '',
  ].join('\n');
}
