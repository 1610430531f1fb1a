// The walking commands of the real 0-db server: SCAN, RSCAN, KEYCUR, KSCAN and HISTORY, with
// 0-db's opaque binary cursors (zdbd/commands_scan.c, commands_history.c). Leaves out how the
// cursors are made and checked (host-namespace.ts).
//
// 0-db fills a SCAN page for 2 ms (SCAN_TIMESLICE_US); ours holds a fixed number of keys instead,
// so that a page does not depend on the machine's speed. Clients walk until "No more data" either way.

import { arity, CommandError, type CommandContext } from './command-context.js';
import { arrayReply, bulkReply, integerReply } from './resp.js';

const scanPageEntries = 128;

function walk(ctx: CommandContext, backward: boolean): Buffer {
  // 0-db reads only the first argument as the cursor and ignores any others.
  const items = ctx.session.ns.scan(ctx.args[1], backward, scanPageEntries);
  if (items.length === 0) throw new CommandError('No more data');
  const listed = items.map((i) => arrayReply([bulkReply(i.entry.key), integerReply(i.entry.payloadLen), integerReply(i.entry.timestampS)]));
  return arrayReply([bulkReply(items[items.length - 1]!.cursor), arrayReply(listed)]);
}

/** SCAN [cursor]: [cursor of the last key listed, [[key, size, timestamp], …]]. */
export function scan(ctx: CommandContext): Buffer {
  return walk(ctx, false);
}

/** RSCAN [cursor]: SCAN backwards, from the newest entry. */
export function rscan(ctx: CommandContext): Buffer {
  return walk(ctx, true);
}

/** KEYCUR key: the cursor a SCAN resumes from right after this key. */
export function keycur(ctx: CommandContext): Buffer {
  arity(ctx.args, 2, true);
  return bulkReply(ctx.session.ns.keycur(ctx.args[1]!));
}

/**
 * KSCAN prefix: the live keys starting with it, as [“0”, [key, …]]. 0-db's release builds answer
 * "Command disabled in release code"; its own test suite runs a debug build and expects this.
 */
export function kscan(ctx: CommandContext): Buffer {
  if (ctx.session.ns.settings.mode !== 'user') throw new CommandError("Index running mode doesn't support this feature");
  arity(ctx.args, 2, true);
  const keys = ctx.session.ns.keysWithPrefix(ctx.args[1]!);
  if (keys.length === 0) throw new CommandError('No keys match');
  return arrayReply([bulkReply('0'), arrayReply(keys.map((k) => bulkReply(k)))]);
}

/** HISTORY key [cursor]: [cursor of the older version or nil, timestamp as text, payload]. */
export function history(ctx: CommandContext): Buffer {
  const { args } = ctx;
  if (args.length !== 2 && args.length !== 3) throw new CommandError('Invalid arguments');
  const step = ctx.session.ns.history(args[1]!, args[2]);
  return arrayReply([bulkReply(step.previous), bulkReply(String(step.timestampS)), bulkReply(step.payload)]);
}
