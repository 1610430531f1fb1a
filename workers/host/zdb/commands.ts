// The command table of the real 0-db server: one session's request in, one encoded RESP reply out.
// Leaves out sockets and batching (server.ts) and the handlers themselves (commands-*.ts, info.ts).
//
// Dispatch is zdbd/commands.c's (redis_dispatcher): the table is walked in order and the first
// name of which the request's word is a case-blind prefix wins, so "GE" runs GET, "S" runs SET and
// an empty word matches "*" ("This is not a valid command").

import { ZdbError } from '../../../sim/storage/zdb/errors.js';
import { auth } from './commands-auth.js';
import { check, del, exists, get, keytime, length, mget, set } from './commands-dataset.js';
import { dbsize, flush, nsdel, nsjump, nslist, nsnew, nsset, reload, select } from './commands-namespace.js';
import { history, keycur, kscan, rscan, scan } from './commands-scan.js';
import { data, hello, hooks, index, master, mirror, ping, quit, stop, time, wait } from './commands-system.js';
import { CloseAfterReply, isPrefixOf, type CommandContext, type ServerConfig, type ServerStats, type Session } from './command-context.js';
import { info, nsinfo } from './info.js';
import { errorReply } from './resp.js';
import { ZdbReplyError } from './reply-error.js';
import type { ZdbStore } from './store.js';

export { CloseAfterReply, newSession, defaultServerConfig, type ServerConfig, type ServerStats, type Session } from './command-context.js';
export { secureHash } from './commands-auth.js';

type Handler = (ctx: CommandContext) => Buffer;

/** zdbd/commands.c's commands_handlers, in its order (the order decides prefix matches). */
const table: readonly (readonly [string, Handler])[] = [
  ['*', () => errorReply('This is not a valid command')],
  ['WAIT', (ctx) => wait(ctx, resolve)],
  ['MIRROR', mirror],
  ['MASTER', master],
  ['PING', ping],
  ['TIME', time],
  ['AUTH', auth],
  ['HOOKS', hooks],
  ['INDEX', index],
  ['DATA', data],
  ['SET', set],
  ['SETX', set],
  ['GET', get],
  ['MGET', mget],
  ['DEL', del],
  ['EXISTS', exists],
  ['CHECK', check],
  ['SCAN', scan],
  ['SCANX', scan],
  ['RSCAN', rscan],
  ['KSCAN', kscan],
  ['HISTORY', history],
  ['KEYCUR', keycur],
  ['LENGTH', length],
  ['KEYTIME', keytime],
  ['INFO', info],
  ['STOP', stop],
  ['DBSIZE', dbsize],
  ['NSNEW', nsnew],
  ['NSDEL', nsdel],
  ['NSLIST', nslist],
  ['NSSET', nsset],
  ['NSINFO', nsinfo],
  ['NSJUMP', nsjump],
  ['SELECT', select],
  ['RELOAD', reload],
  ['FLUSH', flush],
];

/**
 * Ours, for redis clients, matched by exact name and only after 0-db's table, so that no word
 * 0-db would run ends up here.
 */
const extensions = new Map<string, Handler>([
  ['QUIT', quit],
  ['HELLO', hello],
]);

/** Words seen before and what they dispatch to: the table walk is done once per distinct word. */
const dispatched = new Map<string, readonly [string, Handler] | undefined>();
/** Command names are short; longer words are never cached, so a client cannot grow the map. */
const cachedWordBytes = 16;

function lookup(word: Buffer): readonly [string, Handler] | undefined {
  if (word.length > cachedWordBytes) return table.find(([name]) => isPrefixOf(word, name));
  const text = word.toString('latin1');
  let found = dispatched.get(text);
  if (found === undefined && !dispatched.has(text)) {
    found = table.find(([name]) => isPrefixOf(word, name));
    // At most 256^16 words fit the rule; bound the cache so random bytes cannot fill memory.
    if (dispatched.size < 4096) dispatched.set(text, found);
  }
  return found;
}

/** The table name a word dispatches to (WAIT resolves its argument the same way), or null. */
function resolve(word: Buffer): string | null {
  return lookup(word)?.[0] ?? null;
}

/**
 * The name a request runs as, for metrics: its table name, one of our extensions, or `unknown`.
 * Looked up again rather than read from the session, which a refused request may leave stale.
 */
export function commandName(word: Buffer): string {
  const found = resolve(word);
  if (found !== null) return found;
  const upper = word.length <= cachedWordBytes ? word.toString('latin1').toUpperCase() : '';
  return extensions.has(upper) ? upper : 'unknown';
}

/**
 * Runs one request. Counted as 0-db counts (zdbd/commands.c): commands_executed is every request
 * that reached a handler, refused or not; commands_failed is every "Command not supported".
 */
export function execute(store: ZdbStore, session: Session, args: Buffer[], stats: ServerStats, config: ServerConfig): Buffer {
  // A client whose namespace was deleted is told so and dropped, before anything else.
  if (session.ns.deleted) throw new CloseAfterReply(errorReply('Your active namespace is not available anymore (probably removed).'));
  const found = lookup(args[0]!);
  session.executed = found?.[0] ?? null;
  const handler = found?.[1] ?? extensions.get(args[0]!.toString('latin1').toUpperCase());
  if (handler === undefined) {
    stats.failed++;
    return errorReply('Command not supported');
  }
  stats.commands++;
  try {
    return handler({ store, session, args, stats, config });
  } catch (error) {
    if (error instanceof ZdbError) return errorReply(error.reply);
    if (error instanceof ZdbReplyError) return errorReply(error.reply);
    throw error;
  }
}
