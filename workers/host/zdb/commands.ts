// The commands of the real 0-db server: one session's request in, one encoded RESP reply out, with
// 0-db's argument checks and reply shapes. Leaves out sockets and batching (server.ts) and storage.

import { statfsSync } from 'node:fs';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import type { NsSetProperty } from '../../../sim/storage/zdb/namespace.js';
import type { HostNamespace } from './host-namespace.js';
import { arrayReply, bulkReply, errorReply, integerReply, nilReply, okReply, pongReply } from './resp.js';
import { defaultNamespace, maxNamespaceBytes, validNamespaceName, type ZdbStore } from './store.js';

/** One client connection's state. */
export interface Session {
  ns: HostNamespace;
  /** False for an anonymous session on a public namespace that has a password. */
  writable: boolean;
}

/** What the server knows about itself, for INFO. */
export interface ServerStats {
  readonly bootTimeS: number;
  clients: number;
  commands: number;
  failed: number;
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

export function execute(store: ZdbStore, session: Session, args: Buffer[], stats: ServerStats): Buffer {
  stats.commands++;
  try {
    if (session.ns.deleted) throw new CloseAfterReply(errorReply('Your active namespace is not available anymore (probably removed).'));
    return run(store, session, args, stats);
  } catch (error) {
    if (error instanceof CloseAfterReply) throw error;
    stats.failed++;
    if (error instanceof ZdbError) return errorReply(error.reply);
    if (error instanceof CommandError) return errorReply(error.message);
    throw error;
  }
}

/** A refusal with 0-db's text where no ZdbError code fits (argument shape, namespace names). */
class CommandError extends Error {}

function run(store: ZdbStore, session: Session, args: Buffer[], stats: ServerStats): Buffer {
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
      arity(args, 3);
      return bulkReply(ns.set(args[1]!, args[2]!, session.writable, nowS));
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
      arity(args, 2, true);
      ns.del(args[1]!, session.writable, nowS);
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
    case 'SELECT':
      return select(store, session, args);
    case 'NSNEW': {
      arity(args, 2, true);
      store.nsnew(namespaceName(args[1]!, true));
      return okReply;
    }
    case 'NSDEL': {
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
      arity(args, 4, true);
      const target = namespaceName(args[1]!, false);
      if (target === defaultNamespace) throw new CommandError('Cannot update default namespace');
      const property = args[2]!.toString('latin1');
      if (!nsSetProperties.has(property)) throw new CommandError('Invalid property');
      if (args[3]!.length > 63) throw new CommandError('Invalid value');
      store.mustGet(target).nsset(property as NsSetProperty, args[3]!.toString('utf8'));
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
 * SELECT name [password]: no password set ⇒ read-write; the right password ⇒ read-write; none
 * given on a public namespace ⇒ read-only; otherwise refused ("Namespace protected and private").
 */
function select(store: ZdbStore, session: Session, args: Buffer[]): Buffer {
  if (args.length < 2 || args.length > 3) throw new CommandError('Invalid argument');
  const ns = store.mustGet(namespaceName(args[1]!, false));
  const password = args[2]?.toString('utf8');
  let writable = true;
  if (ns.settings.password !== '') {
    if (password === undefined) {
      if (!ns.settings.public) throw new CommandError('Namespace protected and private');
      writable = false;
    } else if (password !== ns.settings.password) throw new ZdbError(ZdbErrorCode.accessDenied);
  }
  session.ns = ns;
  session.writable = writable;
  return okReply;
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
  try {
    const fs = statfsSync(ns.dir);
    const free = fs.bavail * fs.bsize;
    lines.push(`data_disk_freespace_bytes: ${free}`, `data_disk_freespace_mb: ${(free / 1048576).toFixed(2)}`);
  } catch {
    // Free space is advisory; a filesystem that cannot report it still serves data.
  }
  return lines.join('\n') + '\n';
}

function info(store: ZdbStore, stats: ServerStats): string {
  const nowS = Math.floor(Date.now() / 1000);
  return [
    '# server',
    'server_name: 0-db (zdb), zos-testbed',
    `boot_time: ${stats.bootTimeS}`,
    `uptime: ${nowS - stats.bootTimeS}`,
    '',
    '# clients',
    `clients_lifetime: ${stats.clients}`,
    '',
    '# stats',
    `commands_executed: ${stats.commands}`,
    `commands_failed: ${stats.failed}`,
    `namespaces: ${store.names.length}`,
    `memory_rss_bytes: ${process.memoryUsage.rss()}`,
    '',
  ].join('\n');
}
