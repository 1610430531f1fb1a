// What every command handler of the real 0-db server sees (its session, the store, the server's
// settings and counters), and the argument checks zdbd/commands.c shares between commands.
// Leaves out the dispatch table (commands.ts) and the handlers themselves (commands-*.ts).

import type { ZdbMode } from '../../../sim/storage/zdb/namespace.js';
import type { HostNamespace } from './host-namespace.js';
import { ZdbReplyError } from './reply-error.js';
import type { ZdbStore } from './store.js';

/** A WAIT in progress: the command name the client waits for, and until when (ms since epoch). */
export interface Watch {
  readonly command: string;
  readonly untilMs: number;
}

/** One client connection's state. */
export interface Session {
  ns: HostNamespace;
  /** False for an anonymous session on a public namespace that has a password. */
  writable: boolean;
  /** Every session is admin when the server has no admin password (zdbd/redis.c, socket_client_new). */
  admin: boolean;
  /** The last `AUTH SECURE CHALLENGE` answer, until an `AUTH SECURE hash` uses it up. */
  nonce: string | null;
  /** The table name of the last command dispatched (0-db's client->executed), for WAIT. */
  executed: string | null;
  /** Set by WAIT; the server answers it when another client runs that command, or on timeout. */
  watch: Watch | null;
  /** MIRROR: receives the requests of MASTER clients. */
  mirror: boolean;
  /** MASTER: a replication source; its requests carry the owner id as a last argument. */
  master: boolean;
  /** Set by STOP: the server shuts down once this reply is sent. */
  stopRequested: boolean;
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

/** The server's settings the commands read; compiled once from the options (server.ts). */
export interface ServerConfig {
  /** null: no admin password, every session is admin and AUTH says "Authentication disabled". */
  readonly adminPassword: string | null;
  /** 0-db's --mode: 'mix' lets NSSET choose per namespace; 'user' or 'seq' fixes it for all. */
  readonly mode: 'mix' | ZdbMode;
  /** 0-db's --protect: the default namespace takes the admin password and starts read-only. */
  readonly protect: boolean;
  /** A random id per server start, as zdb_instanceid_get (libzdb/settings.c). */
  readonly instanceId: number;
}

export const defaultServerConfig: ServerConfig = { adminPassword: null, mode: 'mix', protect: false, instanceId: 0 };

export function newSession(ns: HostNamespace, config: ServerConfig): Session {
  return { ns, writable: !config.protect, admin: config.adminPassword === null, nonce: null, executed: null, watch: null, mirror: false, master: false, stopRequested: false };
}

/** Everything a handler needs for one request. */
export interface CommandContext {
  readonly store: ZdbStore;
  readonly session: Session;
  readonly args: Buffer[];
  readonly stats: ServerStats;
  readonly config: ServerConfig;
}

/** Raised when the session must end after this reply (QUIT, or its namespace was deleted). */
export class CloseAfterReply extends Error {
  constructor(readonly reply: Buffer) {
    super('close after reply');
  }
}

/** A refusal with 0-db's text where no ZdbError code fits (argument shape, namespace names). */
export const CommandError = ZdbReplyError;

/** 0-db's MAX_KEY_LENGTH: longer keys are "Invalid key" for every reader and DEL. */
export const maxKeyBytes = 255;
/** 0-db's COMMAND_MAXLEN: a subcommand or property name longer than this is "Argument too long". */
export const commandMaxBytes = 256;

/** zdbd/commands.c, command_admin_authorized: checked before anything else in the command. */
export function mustBeAdmin(ctx: CommandContext): void {
  if (ctx.session.admin) return;
  ctx.stats.unauthorized++;
  throw new CommandError('Permission denied');
}

/** 0-db's command_args_validate: the exact count and, with `nonEmpty`, no empty argument. */
export function arity(args: Buffer[], expected: number, nonEmpty = false): void {
  if (args.length !== expected) throw new CommandError('Unexpected arguments');
  if (nonEmpty && args.some((a) => a.length === 0)) throw new CommandError('Invalid argument');
}

/** 0-db's command_args_validate_min: at least `expected` arguments, none of them empty. */
export function arityAtLeast(args: Buffer[], expected: number): void {
  if (args.length < expected) throw new CommandError('Missing arguments');
  if (args.some((a) => a.length === 0)) throw new CommandError('Invalid argument');
}

/** A key argument of a reading command: 2 arguments, non-empty, at most 255 bytes. */
export function keyArg(args: Buffer[]): Buffer {
  arity(args, 2, true);
  if (args[1]!.length > maxKeyBytes) throw new CommandError('Invalid key');
  return args[1]!;
}

/** strncasecmp(arg, word, arg length) == 0: the argument is a case-blind prefix of `word`. */
export function isPrefixOf(arg: Buffer, word: string): boolean {
  return arg.length <= word.length && arg.toString('latin1').toUpperCase() === word.slice(0, arg.length).toUpperCase();
}
