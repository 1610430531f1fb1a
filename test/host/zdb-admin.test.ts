// 0-db's admin password on a real `zos-testbed zdb --admin` process: which commands need AUTH, the
// plain and SECURE (challenge + sha1) forms, and SELECT ns SECURE (zdbd/commands_auth.c,
// zdbd/commands_namespace.c, libzdb/security.c).

import { createHash } from 'node:crypto';
import anyTest, { type TestFn } from 'ava';
import { client, removeDataDir, reply, startZdb, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ zdb: ZdbProcess }>;

test.before(async (t) => {
  t.context.zdb = await startZdb({ extraArgs: ['--admin', 'root-pw'] });
});
test.after.always(async (t) => {
  const zdb = t.context.zdb as ZdbProcess | undefined;
  if (zdb === undefined) return;
  t.is(await zdb.stop(), 0);
  removeDataDir(zdb.dataDir);
});

/** sha1("nonce:password") in hex, as libzdb/security.c's zdb_hash_password. */
const hash = (nonce: string, password: string): string => createHash('sha1').update(`${nonce}:${password}`).digest('hex');

test('without AUTH, NSNEW, NSDEL, NSSET and timestamped SET/DEL are refused with "Permission denied"', async (t) => {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  const denied = { error: 'Permission denied' };
  t.deepEqual(await reply(redis, 'NSNEW', 'n1'), denied);
  t.deepEqual(await reply(redis, 'NSDEL', 'n1'), denied);
  t.deepEqual(await reply(redis, 'NSSET', 'default', 'lock', '1'), denied);
  t.deepEqual(await reply(redis, 'SET', 'k', 'v', '1000'), denied);
  t.deepEqual(await reply(redis, 'DEL', 'k', '1000'), denied);
  // Data commands on the default namespace need no admin.
  t.is(await redis.call('SET', 'k', 'v'), 'k');
  t.is(await redis.call('GET', 'k'), 'v');
  t.regex(String(await redis.call('INFO')), /commands_unauthorized: [1-9]/);
  t.deepEqual(await reply(redis, 'AUTH', 'wrong'), { error: 'Access denied' });
  t.deepEqual(await reply(redis, 'AUTH', 'a', 'b', 'c'), { error: 'Unexpected arguments' });
  t.is(await redis.call('AUTH', 'root-pw'), 'OK');
  t.is(await redis.call('NSNEW', 'n1'), 'OK');
  t.is(await redis.call('NSSET', 'n1', 'password', 'ns-pw'), 'OK');
  // The timestamp of an admin SET is kept (SCAN shows it).
  t.is(await redis.call('SET', 'old', 'v', '1000'), 'old');
  const [, page] = (await redis.call('SCAN')) as [string, [string, number, number][]];
  t.deepEqual(page.find(([key]) => key === 'old')?.[2], 1000);
  t.is(await redis.call('NSDEL', 'n1'), 'OK');
});

test('AUTH SECURE: a challenge, then the sha1 of "challenge:password"; one attempt per challenge', async (t) => {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  t.deepEqual(await reply(redis, 'AUTH', 'SECURE', '0'.repeat(40)), { error: 'No CHALLENGE requested, secure authentication not available' });
  const nonce = String(await redis.call('AUTH', 'SECURE', 'CHALLENGE'));
  t.regex(nonce, /^[0-9a-f]{16}$/);
  t.deepEqual(await reply(redis, 'AUTH', 'SECURE', 'abc'), { error: 'Invalid hash length' });
  t.deepEqual(await reply(redis, 'AUTH', 'OTHER', 'CHALLENGE'), { error: 'Only SECURE extra method supported' });
  t.deepEqual(await reply(redis, 'AUTH', 'SECURE', hash(nonce, 'wrong')), { error: 'Access denied' });
  // The failed attempt used the challenge up.
  t.deepEqual(await reply(redis, 'AUTH', 'SECURE', hash(nonce, 'root-pw')), { error: 'No CHALLENGE requested, secure authentication not available' });
  const again = String(await redis.call('AUTH', 'secure', 'challenge'));
  t.is(await redis.call('AUTH', 'SECURE', hash(again, 'root-pw')), 'OK');
  t.is(await redis.call('NSNEW', 'n2'), 'OK');
  t.is(await redis.call('NSDEL', 'n2'), 'OK');
});

test('SELECT ns SECURE hash opens a password-protected namespace', async (t) => {
  const admin = client(t.context.zdb.port);
  t.teardown(() => admin.disconnect());
  await admin.call('AUTH', 'root-pw');
  await admin.call('NSNEW', 'locked-ns');
  await admin.call('NSSET', 'locked-ns', 'password', 'ns-pw');
  await admin.call('NSSET', 'locked-ns', 'public', '0');
  const user = client(t.context.zdb.port);
  t.teardown(() => user.disconnect());
  t.deepEqual(await reply(user, 'SELECT', 'locked-ns', 'SECURE', hash('x', 'ns-pw')), { error: 'No CHALLENGE requested, secure authentication not available' });
  const nonce = String(await user.call('AUTH', 'SECURE', 'CHALLENGE'));
  t.deepEqual(await reply(user, 'SELECT', 'locked-ns', 'SECURE', 'short'), { error: 'Invalid hash length' });
  t.deepEqual(await reply(user, 'SELECT', 'locked-ns', 'PLAIN', hash(nonce, 'ns-pw')), { error: 'Only SECURE extra method supported' });
  t.deepEqual(await reply(user, 'SELECT', 'locked-ns', 'SECURE', hash(nonce, 'nope')), { error: 'Access denied' });
  t.deepEqual(await reply(user, 'SELECT', 'locked-ns', 'SECURE', hash(nonce, 'ns-pw'), 'extra'), { error: 'Too many arguments' });
  // SELECT does not use the challenge up, unlike AUTH SECURE.
  t.is(await user.call('SELECT', 'locked-ns', 'SECURE', hash(nonce, 'ns-pw')), 'OK');
  t.is(await user.call('SET', 'k', 'v'), 'k');
  // A namespace without a password ignores whatever else SELECT carries.
  t.is(await user.call('SELECT', 'default', 'anything', 'at', 'all'), 'OK');
  // Being in a namespace is not being admin.
  t.deepEqual(await reply(user, 'NSDEL', 'locked-ns'), { error: 'Permission denied' });
});

test('without --admin every client is admin and AUTH says "Authentication disabled"', async (t) => {
  const zdb = await startZdb();
  t.teardown(async () => {
    await zdb.stop();
    removeDataDir(zdb.dataDir);
  });
  const redis = client(zdb.port);
  t.teardown(() => redis.disconnect());
  t.deepEqual(await reply(redis, 'AUTH', 'x'), { error: 'Authentication disabled' });
  t.regex(String(await redis.call('AUTH', 'SECURE', 'CHALLENGE')), /^[0-9a-f]{16}$/);
  t.deepEqual(await reply(redis, 'AUTH', 'SECURE', '0'.repeat(40)), { error: 'Authentication disabled' });
  t.is(await redis.call('NSNEW', 'free'), 'OK');
});
