// The namespace commands of the real 0-db server: SELECT, NSNEW, NSDEL, NSLIST, NSSET, NSJUMP,
// RELOAD, FLUSH and DBSIZE, in zdbd/commands_namespace.c's check order and texts. Leaves out AUTH
// and the SECURE hash (commands-auth.ts) and NSINFO (info.ts).

import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import type { NsSetProperty } from '../../../sim/storage/zdb/namespace.js';
import { secureCheck, passwordMatches } from './commands-auth.js';
import { arity, commandMaxBytes, CommandError, mustBeAdmin, type CommandContext } from './command-context.js';
import { arrayReply, bulkReply, integerReply, okReply } from './resp.js';
import { defaultNamespace, maxNamespaceBytes, validNamespaceName } from './store.js';

const nsSetProperties = new Set<string>(['maxsize', 'password', 'public', 'mode', 'lock', 'freeze', 'worm']);

/** A namespace name as text; invalid UTF-8 or control bytes could name a different directory. */
export function namespaceName(raw: Buffer, creating: boolean): string {
  if (raw.length > maxNamespaceBytes) throw new CommandError('Namespace too long');
  const name = raw.toString('utf8');
  const clean = Buffer.from(name, 'utf8').equals(raw) && !/[\x00-\x1f\x7f]/.test(name);
  if (creating && !(clean && validNamespaceName(name))) throw new CommandError('This name is not allowed');
  if (!clean) throw new ZdbError(ZdbErrorCode.namespaceNotFound);
  return name;
}

/**
 * SELECT name [password | SECURE hash] (command_select): no password set ⇒ read-write, whatever
 * else is sent; none given on a public namespace ⇒ read-only; a private one ⇒ "Namespace protected
 * and private"; SECURE takes sha1(nonce:password) after AUTH SECURE CHALLENGE.
 */
export function select(ctx: CommandContext): Buffer {
  const { args, session, store } = ctx;
  if (args.length < 2) throw new CommandError('Invalid argument');
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

export function nsnew(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  arity(ctx.args, 2, true);
  const name = namespaceName(ctx.args[1]!, true);
  ctx.store.nsnew(name, ctx.config.mode === 'mix' ? 'user' : ctx.config.mode);
  return okReply;
}

export function nsdel(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  arity(ctx.args, 2, true);
  const target = namespaceName(ctx.args[1]!, false);
  if (target === defaultNamespace) throw new CommandError('Cannot remove default namespace');
  const ns = ctx.store.get(target);
  if (ns === undefined) throw new CommandError("This namespace doesn't exists");
  if (ns === ctx.session.ns) throw new CommandError("Cannot remove namespace you're currently using.");
  ctx.store.nsdel(target);
  return okReply;
}

export function nslist(ctx: CommandContext): Buffer {
  return arrayReply(ctx.store.names.map((n) => bulkReply(n)));
}

/**
 * NSSET name property value (command_nsset), in its order: admin, arity, lengths, existence;
 * mode, lock and freeze apply to the default namespace too, the others do not.
 */
export function nsset(ctx: CommandContext): Buffer {
  const { args } = ctx;
  mustBeAdmin(ctx);
  arity(args, 4, true);
  if (args[1]!.length > maxNamespaceBytes) throw new CommandError('Namespace too long');
  if (args[2]!.length > commandMaxBytes || args[3]!.length > 63) throw new CommandError('Argument too long');
  const target = namespaceName(args[1]!, false);
  const ns = ctx.store.mustGet(target);
  const property = args[2]!.toString('latin1');
  const anyNamespace = property === 'mode' || property === 'lock' || property === 'freeze';
  if (!anyNamespace && target === defaultNamespace) throw new CommandError('Cannot update default namespace');
  if (!nsSetProperties.has(property)) throw new CommandError('Invalid property');
  if (property === 'mode' && ctx.config.mode !== 'mix') throw new CommandError('This server instance is configured to use a single runtime mode');
  ns.nsset(property as NsSetProperty, args[3]!.toString('utf8'));
  return okReply;
}

/**
 * NSJUMP (admin): 0-db starts new index and data files. Ours keeps one file pair per namespace
 * (no rotation), so there is nothing to jump to; the reply is 0-db's.
 */
export function nsjump(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  return okReply;
}

/**
 * RELOAD name (admin): 0-db re-reads the namespace from disk. Ours writes nothing behind the
 * index's back, so the in-memory state already is what the files hold; it only checks the name.
 */
export function reload(ctx: CommandContext): Buffer {
  mustBeAdmin(ctx);
  arity(ctx.args, 2, true);
  ctx.store.mustGet(namespaceName(ctx.args[1]!, false));
  return okReply;
}

/** FLUSH: empties the current namespace; only a private one with a password (command_flush). */
export function flush(ctx: CommandContext): Buffer {
  const ns = ctx.session.ns;
  if (ns.settings.public || ns.settings.password === '') throw new CommandError('Flushing public namespace denied');
  ns.flush();
  return okReply;
}

export function dbsize(ctx: CommandContext): Buffer {
  return integerReply(ctx.session.ns.dbsize);
}
