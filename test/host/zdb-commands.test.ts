// Each 0-db command and rule against a real `zos-testbed zdb` process through ioredis: modes,
// limits, maxsize, lock/freeze/worm, history, scan, namespaces. One server per file, one namespace per test.

import anyTest, { type TestFn } from 'ava';
import type { Redis } from 'ioredis';
import { client, removeDataDir, reply, startZdb, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ zdb: ZdbProcess }>;
const MiB = 1024 * 1024;

test.before(async (t) => {
  t.context.zdb = await startZdb();
});
test.after.always(async (t) => {
  const zdb = t.context.zdb as ZdbProcess | undefined;
  if (zdb === undefined) return;
  await zdb.stop();
  removeDataDir(zdb.dataDir);
});

/** A client with a fresh namespace `name` selected; closed when the test ends. */
async function inNamespace(t: { context: { zdb: ZdbProcess }; teardown(fn: () => void): void }, name: string): Promise<Redis> {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  if ((await reply(redis, 'NSNEW', name)) !== 'OK') throw new Error(`NSNEW ${name} failed`);
  await redis.call('SELECT', name);
  return redis;
}

test('PING, TIME, INFO and DBSIZE answer on the default namespace', async (t) => {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  t.is(await redis.ping(), 'PONG');
  const [s, us] = (await redis.call('TIME')) as [string, string];
  t.true(Math.abs(Number(s) - Date.now() / 1000) < 60);
  t.true(Number(us) >= 0 && Number(us) < 1e6);
  t.regex(String(await redis.call('INFO')), /server_name: 0-db/);
  t.is(typeof (await redis.call('DBSIZE')), 'number');
  t.deepEqual(await reply(redis, 'NOPE'), { error: 'Command not supported' });
  t.deepEqual(await reply(redis, 'GET'), { error: 'Unexpected arguments' });
  // QUIT (a redis courtesy, not in 0-db) answers OK and closes.
  t.is(await redis.quit(), 'OK');
});

test('user mode: SET replies the key, identical data is a no-op, DEL leaves history', async (t) => {
  const redis = await inNamespace(t, 'user-basic');
  t.is(await redis.call('SET', 'k', 'v1'), 'k');
  t.is(await redis.call('SET', 'k', 'v1'), null);
  t.is(await redis.call('SET', 'k', 'v2'), 'k');
  t.is(await redis.call('GET', 'k'), 'v2');
  t.is(await redis.call('EXISTS', 'k'), 1);
  t.is(await redis.call('CHECK', 'k'), 1);
  t.deepEqual(await redis.call('MGET', 'k', 'missing'), ['v2', null]);
  t.is(await redis.call('DBSIZE'), 1);
  const [cursor, , payload] = (await redis.callBuffer('HISTORY', 'k')) as [Buffer, Buffer, Buffer];
  t.is(payload.toString(), 'v2');
  // 0-db's index_ekey_t: 8 opaque bytes, sent back as they came.
  t.is(cursor.length, 8);
  const [end, , older] = (await redis.callBuffer('HISTORY', 'k', cursor)) as [Buffer | null, Buffer, Buffer];
  t.is(older.toString(), 'v1');
  t.is(end, null);
  t.is(await redis.call('DEL', 'k'), 'OK');
  t.is(await redis.call('GET', 'k'), null);
  t.is(await redis.call('EXISTS', 'k'), 0);
  t.is(await redis.call('CHECK', 'k'), null);
  t.is(await redis.call('DBSIZE'), 0);
  t.deepEqual(await reply(redis, 'DEL', 'k'), { error: 'Key not found' });
  t.deepEqual(await reply(redis, 'HISTORY', 'k'), { error: 'Key not found' });
  t.deepEqual(await reply(redis, 'SET', '', 'x'), { error: 'Invalid argument, key needed' });
  // A deleted key comes back with a new SET; its older versions are still on record.
  t.is(await redis.call('SET', 'k', 'v3'), 'k');
  const [back, , now] = (await redis.callBuffer('HISTORY', 'k')) as [Buffer, Buffer, Buffer];
  t.is(now.toString(), 'v3');
  // The deletion marker is skipped: the step before v3 is v2.
  t.is(((await redis.callBuffer('HISTORY', 'k', back)) as Buffer[])[2]!.toString(), 'v2');
  // zdbd/commands_history.c's refusals: wrong size, the null cursor, no entry there, another key's.
  t.deepEqual(await reply(redis, 'HISTORY', 'k', '999'), { error: 'Invalid arguments' });
  t.deepEqual(await reply(redis, 'HISTORY', 'k', Buffer.alloc(8)), { error: 'No more history' });
  t.deepEqual(await reply(redis, 'HISTORY', 'k', Buffer.from([0, 0, 0, 0, 9, 0, 0, 0])), { error: 'Invalid arguments (index query)' });
  await redis.call('SET', 'other', 'x');
  t.deepEqual(await reply(redis, 'HISTORY', 'other', back), { error: 'Invalid arguments (invalid key)' });
});

test('binary keys and values round-trip byte for byte, up to 255-byte keys and 8 MiB values', async (t) => {
  const redis = await inNamespace(t, 'limits');
  const key = Buffer.alloc(255, 0xff);
  const value = Buffer.alloc(8 * MiB, 0xa5);
  value[0] = 0;
  t.deepEqual(await redis.callBuffer('SET', key, value), key);
  // Buffer.equals, not t.deepEqual: ava's deep comparison of 8 MiB takes seconds.
  t.true(((await redis.callBuffer('GET', key)) as Buffer).equals(value));
  t.deepEqual(await reply(redis, 'SET', Buffer.alloc(256, 1), 'x'), { error: 'Key too large' });
  // The connection is still usable after the refusal (an over-size payload closes it: zdb-protocol).
  t.is(await redis.ping(), 'PONG');
  // 1025 arguments: 0-db refuses them while parsing (zdbd/redis.c), and this connection is wedged after.
  t.deepEqual(await reply(redis, 'MGET', ...Array.from({ length: 1024 }, (_, i) => `k${i}`)), { error: 'Too many arguments' });
});

test('seq mode: empty key allocates 8-byte little-endian ids, only existing ids may be updated', async (t) => {
  const redis = client(t.context.zdb.port);
  t.teardown(() => redis.disconnect());
  await redis.call('NSNEW', 'seq');
  t.is(await redis.call('NSSET', 'seq', 'mode', 'seq'), 'OK');
  await redis.call('SELECT', 'seq');
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await redis.callBuffer('SET', '', `v${i}`)) as Buffer);
  // 0-db's seqid_t is a uint64_t (libzdb/index.h).
  t.deepEqual(ids.map((id) => id.length), [8, 8, 8]);
  t.deepEqual(ids.map((id) => id.readBigUInt64LE()), [0n, 1n, 2n]);
  t.is(String((await redis.call('INFO')) as string).match(/sequential_key_size: (\d+)/)?.[1], '8');
  t.is(String(await redis.call('GET', ids[1]!)), 'v1');
  t.deepEqual(await redis.callBuffer('SET', ids[1]!, 'v1b'), ids[1]);
  t.is(String(await redis.call('GET', ids[1]!)), 'v1b');
  const unknown = Buffer.alloc(8);
  unknown.writeBigUInt64LE(99n);
  t.deepEqual(await reply(redis, 'SET', unknown, 'x'), { error: 'Invalid key, only update authorized' });
  t.is(await redis.call('DEL', ids[2]!), 'OK');
  t.is(await redis.call('GET', ids[2]!), null);
  // A deleted id is no longer there to update (zdbd/commands_set.c finds no entry).
  t.deepEqual(await reply(redis, 'SET', ids[2]!, 'again'), { error: 'Invalid key, only update authorized' });
  // The update of id 1 appended a duplicate index entry in slot 3 (libzdb/index_set.c), so the next
  // new value gets id 4; id 3 reads nil, as 0-db's flagged duplicate does.
  t.deepEqual(await redis.callBuffer('SET', '', 'v4'), Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]));
  t.is(await redis.call('GET', Buffer.from([3, 0, 0, 0, 0, 0, 0, 0])), null);
  // SCAN in seq mode lists ids at their slots, with their newest values' sizes.
  const [, listed] = (await redis.callBuffer('SCAN')) as [Buffer, [Buffer, number][]];
  t.deepEqual(listed.map(([k, size]) => [k.readBigUInt64LE(), size]), [[0n, 2], [1n, 3], [4n, 2]]);
  // zdbd/commands_namespace.c: "Cannot change mode of used namespace", even to the same mode.
  t.deepEqual(await reply(redis, 'NSSET', 'seq', 'mode', 'user'), { error: 'Cannot change mode of used namespace' });
  t.deepEqual(await reply(redis, 'NSSET', 'seq', 'mode', 'seq'), { error: 'Cannot change mode of used namespace' });
  t.regex(String(await redis.call('NSINFO', 'seq')), /mode: sequential/);
});

test('maxsize refuses growth beyond the limit but allows an overwrite that does not grow', async (t) => {
  const redis = await inNamespace(t, 'maxsize');
  await redis.call('NSSET', 'maxsize', 'maxsize', '10');
  t.is(await redis.call('SET', 'a', '123456'), 'a');
  t.deepEqual(await reply(redis, 'SET', 'b', '123456'), { error: 'No space left on this namespace' });
  t.is(await redis.call('SET', 'a', '1234567890'), 'a');
  t.regex(String(await redis.call('NSINFO', 'maxsize')), /data_limits_bytes: 10\n/);
  t.deepEqual(await reply(redis, 'NSSET', 'maxsize', 'maxsize', '-1'), { error: 'Invalid argument' });
});

test('lock makes a namespace read-only, freeze closes it, worm forbids overwrite and delete', async (t) => {
  const redis = await inNamespace(t, 'flags');
  await redis.call('SET', 'k', 'v');
  await redis.call('NSSET', 'flags', 'lock', '1');
  t.deepEqual(await reply(redis, 'SET', 'k', 'w'), { error: 'Namespace is temporarily locked (read-only)' });
  t.deepEqual(await reply(redis, 'DEL', 'k'), { error: 'Namespace is temporarily locked (read-only)' });
  t.is(await redis.call('GET', 'k'), 'v');
  await redis.call('NSSET', 'flags', 'lock', '0');
  await redis.call('NSSET', 'flags', 'freeze', '1');
  t.deepEqual(await reply(redis, 'GET', 'k'), { error: 'Namespace is temporarily frozen (read-write disabled)' });
  t.deepEqual(await reply(redis, 'SCAN'), { error: 'Namespace is temporarily frozen (read-write disabled)' });
  await redis.call('NSSET', 'flags', 'freeze', '0');
  await redis.call('NSSET', 'flags', 'worm', '1');
  t.deepEqual(await reply(redis, 'SET', 'k', 'w'), { error: 'Namespace is protected by worm mode' });
  // zdbd/commands_dataset.c has its own text for a worm DEL.
  t.deepEqual(await reply(redis, 'DEL', 'k'), { error: 'Cannot delete a key when namespace is in worm mode' });
  t.is(await redis.call('SET', 'new', 'x'), 'new');
  t.regex(String(await redis.call('NSINFO', 'flags')), /worm: yes\n/);
  // 0-db turns a flag on when its value starts with '1', off otherwise, and never refuses the value.
  t.is(await redis.call('NSSET', 'flags', 'public', 'maybe'), 'OK');
  t.regex(String(await redis.call('NSINFO', 'flags')), /public: no\n/);
  t.is(await redis.call('NSSET', 'flags', 'public', '1yes'), 'OK');
  t.regex(String(await redis.call('NSINFO', 'flags')), /public: yes\n/);
  t.deepEqual(await reply(redis, 'NSSET', 'flags', 'colour', '1'), { error: 'Invalid property' });
});

/** Every key a SCAN (or RSCAN) walk lists, page by page with 0-db's binary cursor, and the sizes. */
async function walk(redis: Redis, command: 'SCAN' | 'RSCAN', from?: Buffer): Promise<{ keys: string[]; sizes: number[]; end: unknown }> {
  const keys: string[] = [];
  const sizes: number[] = [];
  let cursor = from;
  for (;;) {
    let page: [Buffer, [Buffer, number, number][]];
    try {
      page = (await redis.callBuffer(command, ...(cursor === undefined ? [] : [cursor]))) as typeof page;
    } catch (error) {
      return { keys, sizes, end: (error as Error).message };
    }
    // index_bkey_t: 17 packed bytes.
    if (page[0].length !== 17) throw new Error(`cursor of ${page[0].length} bytes`);
    for (const [key, size] of page[1]) {
      keys.push(key.toString());
      sizes.push(size);
    }
    cursor = page[0];
  }
}

test('SCAN pages through live keys with 17-byte cursors, newest write last, and ends with "No more data"', async (t) => {
  const redis = await inNamespace(t, 'scan');
  const pipeline = redis.pipeline();
  for (let i = 0; i < 300; i++) pipeline.call('SET', `key-${i}`, `value-${i}`);
  await pipeline.exec();
  await redis.call('DEL', 'key-5');
  // An overwrite moves the key to where its newest version was written, as 0-db's index does.
  await redis.call('SET', 'key-0', 'rewritten');
  const { keys, sizes, end } = await walk(redis, 'SCAN');
  t.is(end, 'No more data');
  t.is(keys.length, 299);
  t.is(keys[0], 'key-1');
  t.is(keys[298], 'key-0');
  t.is(sizes[298], 'rewritten'.length);
  t.is(sizes[0], 'value-1'.length);
  t.false(keys.includes('key-5'));
  const backward = await walk(redis, 'RSCAN');
  t.deepEqual(backward.keys, [...keys].reverse());
  // KEYCUR gives the cursor a SCAN resumes from, right after that key.
  const after = await walk(redis, 'SCAN', (await redis.callBuffer('KEYCUR', 'key-297')) as Buffer);
  t.deepEqual(after.keys, ['key-298', 'key-299', 'key-0']);
  t.deepEqual(await reply(redis, 'KEYCUR', 'key-5'), { error: 'Key not found' });
  t.deepEqual(await reply(redis, 'SCAN', '0'), { error: 'Invalid key format' });
  t.deepEqual(await reply(redis, 'SCAN', Buffer.alloc(17)), { error: 'Invalid key format' });
  // 0-db reads only the first argument: a second one changes nothing.
  t.deepEqual(await reply(redis, 'SCAN', 'a', 'b'), { error: 'Invalid key format' });
});

test('NSLIST, NSINFO and NSDEL manage namespaces; a session in a deleted one is told and closed', async (t) => {
  const admin = client(t.context.zdb.port);
  const other = client(t.context.zdb.port);
  t.teardown(() => {
    admin.disconnect();
    other.disconnect();
  });
  await admin.call('NSNEW', 'doomed');
  t.deepEqual(await reply(admin, 'NSNEW', 'doomed'), { error: 'This namespace is not available' });
  t.true(((await admin.call('NSLIST')) as string[]).includes('doomed'));
  await other.call('SELECT', 'doomed');
  await other.call('SET', 'k', 'v');
  t.deepEqual(await reply(other, 'NSDEL', 'doomed'), { error: "Cannot remove namespace you're currently using." });
  t.deepEqual(await reply(admin, 'NSDEL', 'default'), { error: 'Cannot remove default namespace' });
  t.is(await admin.call('NSDEL', 'doomed'), 'OK');
  t.false(((await admin.call('NSLIST')) as string[]).includes('doomed'));
  t.deepEqual(await reply(admin, 'NSINFO', 'doomed'), { error: 'Namespace not found' });
  t.deepEqual(await reply(other, 'GET', 'k'), { error: 'Your active namespace is not available anymore (probably removed).' });
  t.deepEqual(await reply(admin, 'SELECT', 'doomed'), { error: 'Namespace not found' });
});
