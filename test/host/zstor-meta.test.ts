// zstor's metadata 2+2 over 4 real user-mode 0-db namespaces: reads need any 2, writes all 4, a
// corrupted piece is ignored, and the records are encrypted (no path or backend in clear).

import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { compileZstorConfig } from '../../workers/host/zstor/config.js';
import { HostMetaStore, type ObjectRecord } from '../../workers/host/zstor/metastore.js';
import { ZdbPool } from '../../workers/host/zstor/zdb-pool.js';
import { HostZstor, startInProcessZdb, startLocalZstorCluster, type LocalZdb, type LocalZstorCluster } from '../../workers/host/zstor/index.js';

const test = anyTest as TestFn;
const parentDir = existsSync('/dev/shm') ? '/dev/shm' : undefined;

async function cluster(t: { teardown(fn: () => Promise<void> | void): void }): Promise<{ c: LocalZstorCluster; z: HostZstor }> {
  const c = await startLocalZstorCluster({ minimalShards: 2, expectedShards: 3, groupSizes: [4], startZdb: () => startInProcessZdb({ parentDir }) });
  const z = new HostZstor(c.config, { opTimeoutS: 2, seed: 'meta-test', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  return { c, z };
}

/** Every key and value in a metadata server's namespace. */
async function dump(server: LocalZdb, namespace: string): Promise<Map<string, Buffer>> {
  const redis = new Redis({ host: '127.0.0.1', port: server.port, protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  const out = new Map<string, Buffer>();
  try {
    await redis.call('SELECT', namespace);
    // 0-db's first SCAN has no cursor; later ones send back the opaque binary cursor received.
    for (let cursor: Buffer[] = []; ; ) {
      const page = (await redis.callBuffer('SCAN', ...cursor).catch(() => null)) as [Buffer, [Buffer][]] | null;
      if (page === null) return out;
      for (const [key] of page[1]) out.set(key.toString('latin1'), (await redis.callBuffer('GET', key)) as Buffer);
      cursor = [page[0]];
    }
  } finally {
    redis.disconnect();
  }
}

async function overwrite(server: LocalZdb, namespace: string, key: string, value: Buffer): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: server.port, protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.call('SELECT', namespace);
    await redis.call('SET', key, value);
  } finally {
    redis.disconnect();
  }
}

test('metadata: one encrypted piece per backend under /{prefix}/meta/{hash}', async (t) => {
  const { c, z } = await cluster(t);
  await z.store('/secret/name.bin', randomBytes(1000));
  const pieces = await Promise.all(c.meta.map((m, i) => dump(m, `meta-${i}`)));
  for (const p of pieces) {
    t.is(p.size, 1);
    const [key, value] = [...p][0]!;
    t.regex(key, /^\/qsfs\/meta\/[0-9a-f]{32}$/);
    t.false(value.includes(Buffer.from('secret')), 'the path is not in clear');
    t.false(value.includes(Buffer.from('data-0-')), 'backend names are not in clear');
  }
});

test('any 2 of the 4 metadata backends are enough to read; 3 down is a clear error', async (t) => {
  const { c, z } = await cluster(t);
  const bytes = randomBytes(5000);
  await z.store('/m', bytes);
  for (const pair of [[0, 1], [2, 3], [0, 3], [1, 2]]) {
    for (const i of pair) await c.meta[i]!.stop();
    t.true((await z.retrieve('/m')).equals(bytes), `unreadable without meta ${pair.join('+')}`);
    t.is((await z.check('/m')).state, 'healthy');
    t.deepEqual(await z.list(), ['/m']);
    for (const i of pair) await c.meta[i]!.start();
  }
  for (const i of [0, 1, 2]) await c.meta[i]!.stop();
  const error = await t.throwsAsync(() => z.retrieve('/m'), { instanceOf: ZstorError });
  t.is(error.reason, 'metaUnreadable');
  t.regex(error.message, /1\/4 metadata backends reachable, 2 needed/);
});

test('writes need all 4 metadata backends ("recoverability over availability")', async (t) => {
  const { c, z } = await cluster(t);
  await z.store('/before', Buffer.from('kept'));
  await c.meta[2]!.stop();
  const error = await t.throwsAsync(() => z.store('/after', Buffer.from('refused')), { instanceOf: ZstorError });
  t.is(error.reason, 'metaDegraded');
  t.regex(error.message, /meta-2 unavailable/);
  // The refused store left no shards behind on the data backends, and the old file still reads.
  t.deepEqual(await z.list(), ['/before']);
  const entries = await Promise.all(c.groups[0]!.map((s, i) => dump(s, `data-0-${i}`)));
  t.is(entries.reduce((sum, e) => sum + e.size, 0), 3, 'only the 3 shards of /before');
  t.is((await z.retrieve('/before')).toString(), 'kept');
  await c.meta[2]!.start();
  await z.store('/after', Buffer.from('accepted'));
  t.is((await z.retrieve('/after')).toString(), 'accepted');
});

test('a corrupted metadata piece is ignored; with one more backend down the record still reads', async (t) => {
  const { c, z } = await cluster(t);
  const bytes = randomBytes(3000);
  await z.store('/p', bytes);
  const [key, value] = [...(await dump(c.meta[0]!, 'meta-0'))][0]!;
  const bad = Buffer.from(value);
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
  await overwrite(c.meta[0]!, 'meta-0', key, bad);
  await c.meta[3]!.stop();
  t.true((await z.retrieve('/p')).equals(bytes));
  // Corrupt piece + 2 down leaves 1 good piece: refused, never garbage.
  await c.meta[2]!.stop();
  const error = await t.throwsAsync(() => z.retrieve('/p'), { instanceOf: ZstorError });
  t.is(error.reason, 'metaUnreadable');
});

test('a metadata write refused half way is rolled back where it landed (a backend died after the check)', async (t) => {
  const { c } = await cluster(t);
  const compiled = compileZstorConfig(c.config);
  const pool = new ZdbPool(2000);
  t.teardown(() => pool.close());
  const meta = new HostMetaStore(pool, compiled.meta, compiled.metaKey, compiled.metaPrefix);
  const record = (sizeBytes: number): ObjectRecord => ({ path: '/r', sizeBytes, checksum: 'c', cipherBytes: 1, compressed: false, nonce: '', tag: '', dataShards: 2, totalShards: 3, shardBytes: 8, shards: [], storedAtMs: 0 });
  await c.meta[1]!.stop();
  await t.throwsAsync(() => meta.put(record(1)), { instanceOf: ZstorError, message: /meta-1 unavailable/ });
  t.is(await meta.get('/r'), undefined, 'a first write that was refused leaves nothing readable');
  await c.meta[1]!.start();
  await meta.put(record(1));
  await c.meta[3]!.stop();
  await t.throwsAsync(() => meta.put(record(2), record(1)));
  t.is((await meta.get('/r'))?.sizeBytes, 1, 'an overwrite that was refused leaves the previous record');
});

test('the repair sweep rebuilds metadata pieces a backend lost, so that backend counts again', async (t) => {
  const { c, z } = await cluster(t);
  const files = new Map([['/one', randomBytes(2000)], ['/two', randomBytes(3000)]]);
  for (const [path, bytes] of files) await z.store(path, bytes);
  // meta-1 loses its data (a replaced disk): delete its pieces behind zstor's back.
  const lost = await dump(c.meta[1]!, 'meta-1');
  t.is(lost.size, 2);
  const redis = new Redis({ host: '127.0.0.1', port: c.meta[1]!.port, protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await redis.call('SELECT', 'meta-1');
  for (const key of lost.keys()) await redis.call('DEL', key);
  redis.disconnect();
  t.is((await dump(c.meta[1]!, 'meta-1')).size, 0);
  const report = await z.repair();
  t.is(report.metaRecordsRebuilt, 2);
  t.is(report.healthyObjects, 2);
  t.is((await dump(c.meta[1]!, 'meta-1')).size, 2);
  // Proof the rebuilt pieces are good: only meta-1 and meta-3 left, every file still reads.
  await c.meta[0]!.stop();
  await c.meta[2]!.stop();
  for (const [path, bytes] of files) t.true((await z.retrieve(path)).equals(bytes), `${path} unreadable from meta-1 + meta-3`);
  const blocked = await z.repair();
  t.is(blocked.metaRecordsRebuilt, 0, 'a sweep with 2 metadata backends down cannot write, and does not claim to');
  t.deepEqual(blocked.failed.map((f) => f.path).sort(), ['/one', '/two']);
});
