// Host zstor against real 0-db servers (in-process, one per backend, each on its own port):
// round trips, reads with m backends down, a clear failure with m+1, placement on distinct backends.

import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InputError } from '../../sim/errors.js';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { HostZstor, startInProcessZdb, startLocalZstorCluster, type LocalZdb, type LocalZstorCluster } from '../../workers/host/zstor/index.js';

const test = anyTest as TestFn;
const KiB = 1024;
// A tmpfs where there is one: 0-db fsyncs every new namespace, and each cluster makes 12.
const parentDir = existsSync('/dev/shm') ? '/dev/shm' : undefined;
const startZdb = (): Promise<LocalZdb> => startInProcessZdb({ parentDir });

/** A fresh 4+2 cluster of 8 data backends (two spare) and 4 metadata ones, closed after the test. */
async function cluster(t: { teardown(fn: () => Promise<void> | void): void }, groupSizes: number[] = [8]): Promise<{ c: LocalZstorCluster; z: HostZstor }> {
  const c = await startLocalZstorCluster({ minimalShards: 4, expectedShards: 6, groupSizes, startZdb });
  // Small entries, so every shard above 16 KiB spans several zdb keys.
  const z = new HostZstor(c.config, { opTimeoutS: 2, entryBytes: 16 * KiB, seed: 'store-test', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  return { c, z };
}

/** The servers holding the given backend ids (address/namespace). */
function serversOf(c: LocalZstorCluster, ids: readonly string[]): LocalZdb[] {
  const all = c.groups.flat();
  return ids.map((id) => all.find((s) => id.startsWith(`${s.address}/`))!);
}

test('round trip of random sizes: empty, tiny, one entry, many shards of many entries', async (t) => {
  const { z } = await cluster(t);
  const sizes = [0, 1, 7, 8, 33, 4 * KiB, 64 * KiB + 3, 1024 * KiB + 17, 3 * 1024 * KiB];
  for (const size of sizes) {
    // Incompressible bytes, so shards really are size/k long.
    const bytes = randomBytes(size);
    const stored = await z.store(`/dir/file-${size}`, bytes);
    t.is(stored.sizeBytes, size);
    t.is(new Set(stored.backends).size, 6, 'six shards on six distinct backends');
    t.true(stored.shardBytes * 4 >= size, `shards of ${stored.shardBytes} B cannot hold ${size} B`);
    const back = await z.retrieve(`/dir/file-${size}`);
    t.true(back.equals(bytes), `size ${size} differs after the round trip`);
  }
  // A large compressible file takes the deflate path: its shards are far smaller than size/k.
  const text = Buffer.from('zstor stores shards on zdb backends\n'.repeat(40_000));
  const stored = await z.store('/dir/text', text);
  t.true(stored.shardBytes * 4 < text.length / 10, `shards of ${stored.shardBytes} B: not compressed`);
  t.true((await z.retrieve('/dir/text')).equals(text));
  t.deepEqual(await z.list(), [...sizes.map((s) => `/dir/file-${s}`), '/dir/text'].sort());
});

test('a second store of a path replaces the file and frees the old shards', async (t) => {
  const { c, z } = await cluster(t);
  const first = randomBytes(100 * KiB);
  const second = Buffer.from('v2 '.repeat(10_000));
  await z.store('/f', first);
  await z.store('/f', second);
  t.true((await z.retrieve('/f')).equals(second));
  // The first version took 2 entries per shard (25 KiB shards), the second compresses to 1 each:
  // only the second's 6 entries remain on the data backends.
  let entries = 0;
  for (const s of c.groups.flat()) entries += await dbsize(s);
  t.is(entries, 6);
});

async function dbsize(server: LocalZdb): Promise<number> {
  const { Redis } = await import('ioredis');
  const r = new Redis({ port: server.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    const names = ((await r.call('NSLIST')) as string[]).filter((n) => n.startsWith('data-'));
    let total = 0;
    for (const n of names) {
      await r.call('SELECT', n);
      total += Number(await r.call('DBSIZE'));
    }
    return total;
  } finally {
    r.disconnect();
  }
}

test('retrieve works with m backends holding shards stopped, and check says degraded', async (t) => {
  const { c, z } = await cluster(t);
  const bytes = randomBytes(300 * KiB);
  const stored = await z.store('/a', bytes);
  // The two data shards 0 and 1: the decoder must rebuild them from parity.
  for (const s of serversOf(c, stored.backends.slice(0, 2))) await s.stop();
  t.true((await z.retrieve('/a')).equals(bytes));
  const report = await z.check('/a');
  t.is(report.state, 'degraded');
  t.is(report.intactShards, 4);
  t.is(report.marginShards, 0);
  t.deepEqual(report.shards.filter((s) => !s.ok).map((s) => [s.index, s.fault]), [[0, 'unreachable'], [1, 'unreachable']]);
});

test('with m+1 backends down retrieve fails clearly, check says lost, and it recovers when one returns', async (t) => {
  const { c, z } = await cluster(t);
  const bytes = randomBytes(50 * KiB);
  const stored = await z.store('/b', bytes);
  const down = serversOf(c, [stored.backends[0]!, stored.backends[3]!, stored.backends[5]!]);
  for (const s of down) await s.stop();
  const error = await t.throwsAsync(() => z.retrieve('/b'), { instanceOf: ZstorError });
  t.is(error.reason, 'unreadable');
  t.regex(error.message, /\/b: 3 of 6 shards intact, 4 needed/);
  t.regex(error.message, /shard 0 unreachable/);
  t.is((await z.check('/b')).state, 'lost');
  await down[1]!.start();
  t.true((await z.retrieve('/b')).equals(bytes));
});

test('stores avoid dead backends, and refuse when too few are left for k+m', async (t) => {
  const { c, z } = await cluster(t);
  const all = c.groups.flat();
  await all[0]!.stop();
  await all[1]!.stop();
  const stored = await z.store('/c', randomBytes(10 * KiB));
  t.false(stored.backends.some((id) => id.startsWith(`${all[0]!.address}/`) || id.startsWith(`${all[1]!.address}/`)));
  await all[2]!.stop();
  const error = await t.throwsAsync(() => z.store('/d', randomBytes(10 * KiB)), { instanceOf: ZstorError });
  t.is(error.reason, 'noPlacement');
});

test('group rules: with 3 groups and redundant_groups 1, losing any whole group keeps files readable', async (t) => {
  const c = await startLocalZstorCluster({ minimalShards: 2, expectedShards: 6, groupSizes: [3, 3, 3], redundantGroups: 1, startZdb });
  const z = new HostZstor(c.config, { opTimeoutS: 2, seed: 'groups', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  const bytes = randomBytes(20 * KiB);
  const stored = await z.store('/g', bytes);
  for (const group of c.groups) {
    const held = stored.backends.filter((id) => group.some((s) => id.startsWith(`${s.address}/`))).length;
    t.true(held <= 4, `a group holds ${held} of 6 shards: losing it would leave < 2`);
  }
  for (const s of c.groups[1]!) await s.stop();
  t.true((await z.retrieve('/g')).equals(bytes));
});

test('unknown paths and bad paths are clear errors', async (t) => {
  const { z } = await cluster(t);
  const unknown = await t.throwsAsync(() => z.retrieve('/never'), { instanceOf: ZstorError });
  t.is(unknown.reason, 'unknownObject');
  const bad = await t.throwsAsync(() => z.store('', Buffer.alloc(1)), { instanceOf: InputError });
  t.is(bad.field, 'path');
});

test('a backend below the LowSpace mark (namespace maxsize) takes no new shards', async (t) => {
  const c = await startLocalZstorCluster({ minimalShards: 4, expectedShards: 6, groupSizes: [7], startZdb });
  const z = new HostZstor(c.config, { opTimeoutS: 2, seed: 'lowspace', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  const low = c.groups[0]![3]!;
  const { Redis } = await import('ioredis');
  const admin = new Redis({ port: low.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  t.teardown(() => admin.disconnect());
  // 50 MiB of room is under zstor's 100 MiB LowSpace mark, whatever the disk has.
  await admin.call('NSSET', 'data-0-3', 'maxsize', String(50 * 1024 * KiB));
  for (let i = 0; i < 5; i++) {
    const stored = await z.store(`/low-${i}`, randomBytes(4 * KiB));
    t.false(stored.backends.some((id) => id.startsWith(`${low.address}/`)), `file ${i} has a shard on the LowSpace backend`);
  }
  // One more backend short and the rest cannot hold 6 shards: the store is refused, not squeezed in.
  await c.groups[0]![0]!.stop();
  const error = await t.throwsAsync(() => z.store('/low-x', randomBytes(4 * KiB)), { instanceOf: ZstorError });
  t.is(error.reason, 'noPlacement');
});
