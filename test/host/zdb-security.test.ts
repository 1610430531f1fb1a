// The 0-db access rules on a real server: passwords on SELECT, public + password = anonymous
// read-only, namespace names that could escape the data dir, and loopback-only by default.

import { existsSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { ZdbHostServer } from '../../workers/host/zdb/server.js';
import { client, removeDataDir, reply, startZdb, tempDataDir, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ zdb: ZdbProcess }>;

test.before(async (t) => {
  t.context.zdb = await startZdb();
});
test.after.always(async (t) => {
  const zdb = t.context.zdb as ZdbProcess | undefined;
  if (zdb === undefined) return;
  await zdb.stop();
  removeDataDir(zdb.dataDir);
});

test('a private namespace with a password refuses SELECT without it or with a wrong one', async (t) => {
  const admin = client(t.context.zdb.port);
  const user = client(t.context.zdb.port);
  t.teardown(() => (admin.disconnect(), user.disconnect()));
  await admin.call('NSNEW', 'private');
  await admin.call('NSSET', 'private', 'password', 's3cret');
  await admin.call('NSSET', 'private', 'public', '0');
  t.deepEqual(await reply(user, 'SELECT', 'private'), { error: 'Namespace protected and private' });
  t.deepEqual(await reply(user, 'SELECT', 'private', 'wrong'), { error: 'Access denied' });
  // Refused SELECTs leave the session where it was.
  t.regex(String(await user.call('INFO')), /server_name/);
  t.is(await user.call('SELECT', 'private', 's3cret'), 'OK');
  t.is(await user.call('SET', 'k', 'v'), 'k');
  t.regex(String(await admin.call('NSINFO', 'private')), /password: yes\n/);
  t.false(String(await admin.call('NSINFO', 'private')).includes('s3cret'));
  // `*` clears the password; then SELECT needs nothing.
  await admin.call('NSSET', 'private', 'password', '*');
  t.is(await admin.call('SELECT', 'private'), 'OK');
});

test('a public namespace with a password is read-only for anonymous sessions', async (t) => {
  const admin = client(t.context.zdb.port);
  const anon = client(t.context.zdb.port);
  t.teardown(() => (admin.disconnect(), anon.disconnect()));
  await admin.call('NSNEW', 'public-pw');
  await admin.call('NSSET', 'public-pw', 'password', 'pw');
  await admin.call('SELECT', 'public-pw', 'pw');
  await admin.call('SET', 'k', 'v');
  t.is(await anon.call('SELECT', 'public-pw'), 'OK');
  t.is(await anon.call('GET', 'k'), 'v');
  t.is(await anon.call('EXISTS', 'k'), 1);
  t.deepEqual(await reply(anon, 'SET', 'k', 'w'), { error: 'Namespace is in read-only mode' });
  t.deepEqual(await reply(anon, 'SET', 'new', 'w'), { error: 'Namespace is in read-only mode' });
  t.deepEqual(await reply(anon, 'DEL', 'k'), { error: 'Namespace is in read-only mode' });
  t.is(await admin.call('GET', 'k'), 'v');
});

test('namespace names with a slash, "..", a leading dot or control bytes are refused and touch no file', async (t) => {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  for (const name of ['a/b', '..', '../escape', 'x..y', '.hidden', '/abs', 'nul\0byte', 'line\nfeed', 'default', 'x'.repeat(129)]) {
    const r = (await reply(redis, 'NSNEW', name)) as { error?: string };
    t.true(r.error === 'This name is not allowed' || r.error === 'Namespace too long' || r.error === 'This namespace is not available', `${JSON.stringify(name)}: ${JSON.stringify(r)}`);
  }
  // Other tests of this file create namespaces concurrently: every directory must be a listed one.
  const listed = (await redis.call('NSLIST')) as string[];
  t.deepEqual(readdirSync(t.context.zdb.dataDir).filter((d) => !listed.includes(d)), []);
  t.false(existsSync(join(t.context.zdb.dataDir, '..', 'escape')));
  t.deepEqual(await reply(redis, 'NSSET', 'default', 'password', 'x'), { error: 'Cannot update default namespace' });
});

test('the server binds loopback unless told otherwise', async (t) => {
  t.regex(t.context.zdb.stderr(), /zdb: ready on 127\.0\.0\.1:/);
  const dataDir = tempDataDir();
  const server = new ZdbHostServer({ dataDir, port: 0 });
  const { address, port } = await server.listen();
  t.teardown(async () => {
    await server.close();
    removeDataDir(dataDir);
  });
  t.is(address, '127.0.0.1');
  // From another interface of this host the port is closed.
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  if (external === undefined) return t.pass('no non-loopback IPv4 interface to probe from');
  const refused = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: external.address, port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
  t.true(refused, `connected to ${external.address}:${port}`);
});
