// The key/value commands of the real 0-db server: SET, GET, MGET, DEL, EXISTS, CHECK, LENGTH and
// KEYTIME, with zdbd's argument checks and texts (zdbd/commands_set.c, commands_get.c,
// commands_dataset.c). Leaves out storage rules, which are host-namespace.ts's.

import { arity, CommandError, keyArg, maxKeyBytes, mustBeAdmin, type CommandContext } from './command-context.js';
import { arrayReply, bulkFrame, bulkReply, integerReply, nilReply, okReply } from './resp.js';

/** Ours: 1023 values of 8 MiB would be 8 GiB in one reply; refused rather than run out of memory. */
const maxMgetReplyBytes = 64 * 1024 * 1024;

/** SET/DEL's optional timestamp (admin only), read with atoll and stored as 0-db's u32. */
function timestampArg(raw: Buffer | undefined, nowS: number): number {
  if (raw === undefined) return nowS;
  const m = /^\s*([+-]?\d+)/.exec(raw.toString('latin1'));
  return m === null ? 0 : Number(BigInt.asUintN(32, BigInt(m[1]!)));
}

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** SET key value [timestamp]: a 4th argument is for admins; else exactly 3, empty allowed. */
export function set(ctx: CommandContext): Buffer {
  const { args, session } = ctx;
  if (args.length === 4) mustBeAdmin(ctx);
  else arity(args, 3);
  return bulkReply(session.ns.set(args[1]!, args[2]!, session.writable, timestampArg(args[3], nowS())));
}

/** GET: the payload is read from disk straight into its reply frame. */
export function get(ctx: CommandContext): Buffer {
  const ns = ctx.session.ns;
  const entry = ns.live(keyArg(ctx.args));
  if (entry === null) return nilReply;
  const { frame, at } = bulkFrame(entry.payloadLen);
  ns.files.readPayloadInto(entry, frame, at);
  return frame;
}

/** MGET key…: one reply per key, nil for a missing one (commands_get.c, command_mget). */
export function mget(ctx: CommandContext): Buffer {
  const { args, session } = ctx;
  if (args.length < 2) throw new CommandError('Invalid arguments');
  if (args.some((key, i) => i > 0 && key.length > maxKeyBytes)) throw new CommandError('Invalid key');
  const entries = args.slice(1).map((key) => session.ns.live(key));
  if (entries.reduce((sum, e) => sum + (e?.payloadLen ?? 0), 0) > maxMgetReplyBytes) throw new CommandError('Reply too large, use fewer keys');
  return arrayReply(entries.map((e) => bulkReply(e === null ? null : session.ns.files.readPayload(e))));
}

/** DEL key [timestamp]: the timestamp form is for admins (commands_dataset.c, command_del). */
export function del(ctx: CommandContext): Buffer {
  const { args, session } = ctx;
  if (args.length === 3) mustBeAdmin(ctx);
  else arity(args, 2, true);
  session.ns.del(args[1]!, session.writable, timestampArg(args[2], nowS()));
  return okReply;
}

export function exists(ctx: CommandContext): Buffer {
  return integerReply(ctx.session.ns.live(keyArg(ctx.args)) === null ? 0 : 1);
}

/** CHECK: nil for a missing key, else 1 when the payload still matches its CRC. */
export function check(ctx: CommandContext): Buffer {
  const ok = ctx.session.ns.check(keyArg(ctx.args));
  return ok === null ? nilReply : integerReply(ok ? 1 : 0);
}

/** LENGTH: the live value's size in bytes, or nil (commands_dataset.c, command_length). */
export function length(ctx: CommandContext): Buffer {
  const entry = ctx.session.ns.live(keyArg(ctx.args));
  return entry === null ? nilReply : integerReply(entry.payloadLen);
}

/** KEYTIME: the live version's timestamp, or nil (commands_dataset.c, command_keytime). */
export function keytime(ctx: CommandContext): Buffer {
  const entry = ctx.session.ns.live(keyArg(ctx.args));
  return entry === null ? nilReply : integerReply(entry.timestampS);
}
