// AUTH and the SECURE challenge of the real 0-db server (zdbd/commands_auth.c, libzdb/security.c),
// and the password checks SELECT shares. Leaves out SELECT itself (commands-namespace.ts).

import { createHash, randomBytes } from 'node:crypto';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import { arity, CommandError, isPrefixOf, type CommandContext, type Session } from './command-context.js';
import { errorReply, okReply } from './resp.js';

/**
 * AUTH password, AUTH SECURE CHALLENGE and AUTH SECURE sha1hex: the challenge is 8 random bytes in
 * hex (zdb_challenge) and works even without an admin password; the hash is hex sha1 of
 * "nonce:password" (zdb_hash_password), and one attempt, right or wrong, uses the nonce up.
 */
export function auth(ctx: CommandContext): Buffer {
  const { args, session } = ctx;
  const admin = ctx.config.adminPassword;
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

/** The SECURE hash check that SELECT and AUTH share, with their texts; SELECT keeps the nonce. */
export function secureCheck(session: Session, method: Buffer, hash: Buffer, password: string): void {
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
export function passwordMatches(given: Buffer, expected: string): boolean {
  const nul = given.indexOf(0);
  return (nul === -1 ? given : given.subarray(0, nul)).equals(Buffer.from(expected, 'utf8'));
}
