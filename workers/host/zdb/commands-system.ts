// The server commands of the real 0-db server: PING, TIME, HOOKS, INDEX, DATA, STOP, WAIT, MIRROR
// and MASTER (zdbd/commands.c, commands_system.c, commands_replicate.c), and the two redis
// commands we add for redis clients (QUIT, HELLO). Leaves out INFO and NSINFO (info.ts).

import { arityAtLeast, commandMaxBytes, CommandError, CloseAfterReply, mustBeAdmin, type CommandContext } from './command-context.js';
import { arrayReply, bulkReply, integerReply, okReply, pongReply, simpleReply } from './resp.js';

/** WAIT's bounds in ms (zdbd/commands.c: default 5 s, WAIT_MAX_TIMEOUT_MS 30 min, at least 100). */
const waitDefaultMs = 5000;
const waitMinMs = 100;
const waitMaxMs = 30 * 60 * 1000;

/** No reply now: WAIT's answer comes later, from the server (server.ts). */
export const noReply = Buffer.alloc(0);

export function ping(): Buffer {
  return pongReply;
}

/** TIME: seconds and microseconds, both as bulk strings, as redis and 0-db send them. */
export function time(): Buffer {
  const nowUs = BigInt(Date.now()) * 1000n;
  return arrayReply([bulkReply(String(nowUs / 1_000_000n)), bulkReply(String(nowUs % 1_000_000n))]);
}

/** Not in 0-db either; redis clients send it to close politely (ioredis quit()). */
export function quit(): Buffer {
  throw new CloseAfterReply(okReply);
}

/**
 * Not in 0-db, which says "Command not supported"; redis's NOPROTO makes RESP3-first clients
 * (ioredis 6 by default) fall back to RESP2 instead of failing to connect.
 */
export function hello(): Buffer {
  throw new CommandError('NOPROTO this server speaks RESP2 only');
}

/** HOOKS (admin): the hooks running. Ours runs none (--hook is accepted, see cli/commands/zdb.ts). */
export function hooks(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  return arrayReply([]);
}

/** A subcommand word as 0-db copies it: at most COMMAND_MAXLEN bytes, compared case-blind. */
function subcommand(ctx: CommandContext, at: number): string {
  if (ctx.args[at]!.length > commandMaxBytes) throw new CommandError('Argument too long');
  return ctx.args[at]!.toString('latin1').toUpperCase();
}

/**
 * INDEX DIRTY [RESET] (admin): the index file ids written since the last reset. Ours has one index
 * file per namespace, id 0.
 */
export function index(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  arityAtLeast(ctx.args, 2);
  if (subcommand(ctx, 1) !== 'DIRTY') throw new CommandError('Unknown INDEX subcommand');
  const files = ctx.session.ns.files;
  if (ctx.args.length === 3) {
    if (subcommand(ctx, 2) !== 'RESET') throw new CommandError('Unknown INDEX DIRTY subcommand');
    files.indexDirty = false;
    return okReply;
  }
  return arrayReply(files.indexDirty ? [integerReply(0)] : []);
}

/**
 * DATA RAW fileid offset (admin): the data entry at that offset, as [key, previous entry's offset,
 * "0x%08x" crc, flags, timestamp, payload or nil]. Offsets are our data file's; file id 0 only.
 */
export function data(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  arityAtLeast(ctx.args, 2);
  if (subcommand(ctx, 1) !== 'RAW') throw new CommandError('Unknown DATA subcommand');
  arityAtLeast(ctx.args, 4);
  // atoll, as 0-db reads both numbers.
  const fileId = Number.parseInt(ctx.args[2]!.toString('latin1'), 10) || 0;
  const offset = Number.parseInt(ctx.args[3]!.toString('latin1'), 10) || 0;
  const raw = fileId === 0 ? ctx.session.ns.rawEntry(offset) : 'eof';
  if (raw === 'eof') throw new CommandError('EOF');
  if (raw === 'invalid') throw new CommandError('Invalid Request');
  const crc = `0x${raw.entry.payloadCrc.toString(16).padStart(8, '0')}`;
  const payload = raw.payload.length > 0 ? bulkReply(raw.payload) : bulkReply(null);
  return arrayReply([bulkReply(raw.entry.key), integerReply(raw.previousOffset), bulkReply(crc), integerReply(raw.entry.flags), integerReply(raw.entry.timestampS), payload]);
}

/**
 * STOP: 0-db's debug build answers "+Stopping" and shuts down (its release build says
 * "-Unauthorized"). Ours shuts down too, but only for an admin: with --admin set, nobody else can.
 */
export function stop(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  ctx.session.stopRequested = true;
  return simpleReply('Stopping');
}

/**
 * WAIT command [timeoutMs]: answered "+COMMAND" once another client of the same namespace runs that
 * command (or any, for "*"), or "-Timeout". `resolve` is the dispatcher's name lookup.
 */
export function wait(ctx: CommandContext, resolve: (name: Buffer) => string | null): Buffer {
  const { args } = ctx;
  if (args.length !== 2 && args.length !== 3) throw new CommandError('Invalid arguments');
  const command = resolve(args[1]!);
  if (command === null) throw new CommandError('Unknown command to watch');
  let timeoutMs = waitDefaultMs;
  if (args.length === 3) {
    if (args[2]!.length > 16) throw new CommandError('Invalid timeout');
    // strtoull: leading digits, anything else is 0 (and so refused).
    timeoutMs = Number(/^\s*\d*/.exec(args[2]!.toString('latin1'))![0].trim() || '0');
    if (timeoutMs < waitMinMs || timeoutMs > waitMaxMs) throw new CommandError('Invalid timeout');
  }
  ctx.session.watch = { command, untilMs: Date.now() + timeoutMs };
  return noReply;
}

/** MIRROR (admin): this client receives the requests that MASTER clients send. */
export function mirror(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  ctx.session.mirror = true;
  return simpleReply('Starting mirroring');
}

/** MASTER (admin): this client replays another server's requests, each ending with an owner id. */
export function master(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  ctx.session.master = true;
  return simpleReply('Hello, master');
}
