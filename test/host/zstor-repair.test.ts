// The host zstor's checksums and repair sweep against real 0-db servers: a corrupted shard counts as
// missing, the sweep rewrites lost shards elsewhere, and afterwards m *other* backends may fail.

import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { HostZstor, startInProcessZdb, startLocalZstorCluster, type LocalZdb, type LocalZstorCluster } from '../../workers/host/zstor/index.js';

const test = anyTest as TestFn;
const KiB = 1024;
const parentDir = existsSync('/dev/shm') ? '/dev/shm' : undefined;

async function cluster(t: { teardown(fn: () => Promise<void> | void): void }, dataBackends = 9): Promise<{ c: LocalZstorCluster; z: HostZstor }> {
  const c = await startLocalZstorCluster({ minimalShards: 4, expectedShards: 6, groupSizes: [dataBackends], startZdb: () => startInProcessZdb({ parentDir }) });
  const z = new HostZstor(c.config, { opTimeoutS: 2, entryBytes: 8 * KiB, seed: 'repair-test', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  return { c, z };
}

function serverOf(c: LocalZstorCluster, id: string): LocalZdb {
  return c.groups.flat().find((s) => id.startsWith(`${s.address}/`))!;
}

/** Flips one byte in every entry of a backend's namespace, behind zstor's back (a rotting disk). */
async function corrupt(id: string): Promise<number> {
  const [address, namespace] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
  const redis = new Redis({ host: '127.0.0.1', port: Number(address.split(':')[1]), protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.call('SELECT', namespace);
    // 0-db's first SCAN has no cursor; later ones send back the opaque binary cursor received.
    // Keys are collected first: in seq mode an overwrite changes the entry a cursor names, and
    // 0-db (as ours) then refuses that cursor.
    const keys: Buffer[] = [];
    for (let cursor: Buffer[] = []; ; ) {
      let page: [Buffer, [Buffer][]];
      try {
        page = (await redis.callBuffer('SCAN', ...cursor)) as typeof page;
      } catch {
        break; // "No more data"
      }
      for (const [key] of page[1]) keys.push(key);
      cursor = [page[0]];
    }
    for (const key of keys) {
      const value = (await redis.callBuffer('GET', key)) as Buffer;
      value[value.length >> 1] = value[value.length >> 1]! ^ 0xff;
      // In seq mode a SET on an existing key overwrites that entry.
      await redis.callBuffer('SET', key, value);
    }
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

test('a corrupted shard is caught by its checksum, treated as missing, and repaired', async (t) => {
  const { c, z } = await cluster(t);
  const bytes = randomBytes(100 * KiB);
  const stored = await z.store('/rot', bytes);
  t.true((await corrupt(stored.backends[2]!)) >= 2, 'a 25 KiB shard spans several 8 KiB entries');
  const before = await z.check('/rot');
  t.is(before.state, 'degraded');
  t.deepEqual(before.shards.filter((s) => !s.ok).map((s) => [s.index, s.fault]), [[2, 'corrupt']]);
  // Retrieve reads data shards first: shard 2 is one of them, so parity must stand in.
  t.true((await z.retrieve('/rot')).equals(bytes));
  // A second bad shard on top is still within m = 2.
  await corrupt(stored.backends[4]!);
  t.true((await z.retrieve('/rot')).equals(bytes));
  const report = await z.repair();
  t.is(report.repairedObjects, 1);
  t.is(report.repairedShards, 2);
  t.is(report.worstMarginShards, 0);
  t.is((await z.check('/rot')).state, 'healthy');
  t.true((await z.retrieve('/rot')).equals(bytes));
  void c;
});

test('repair after m backends die restores full redundancy: m other backends may then die too', async (t) => {
  const { c, z } = await cluster(t);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < 4; i++) files.set(`/f${i}`, randomBytes(20 * KiB + i * 1000));
  const placed = new Map<string, readonly string[]>();
  for (const [path, bytes] of files) placed.set(path, (await z.store(path, bytes)).backends);

  const first = placed.get('/f0')!;
  const dead = [serverOf(c, first[0]!), serverOf(c, first[5]!)];
  for (const s of dead) await s.stop();
  const sweep = await z.repair();
  t.is(sweep.objects, 4);
  t.deepEqual(sweep.lostPaths, []);
  t.deepEqual(sweep.failed, []);
  t.true(sweep.repairedObjects >= 1 && sweep.repairedShards >= 2);
  for (const path of files.keys()) {
    const report = await z.check(path);
    t.is(report.state, 'healthy', `${path} not healthy after repair`);
    t.false(report.shards.some((s) => dead.some((d) => s.backend.startsWith(`${d.address}/`))), `${path} still points at a dead backend`);
  }
  // Now two *other* backends holding shards of /f0 die: with full redundancy back, it survives.
  const after = (await z.check('/f0')).shards.map((s) => s.backend);
  const others = [serverOf(c, after[1]!), serverOf(c, after[2]!)];
  t.false(others.some((o) => dead.includes(o)));
  for (const s of others) await s.stop();
  for (const [path, bytes] of files) t.true((await z.retrieve(path)).equals(bytes), `${path} unreadable`);
  // A second sweep with nothing new to fix but those two: it repairs again and loses nothing.
  const again = await z.repair();
  t.deepEqual(again.lostPaths, []);
});

test('a sweep reports objects below k as lost, and leaves healthy ones alone', async (t) => {
  const { c, z } = await cluster(t, 7);
  const stored = await z.store('/gone', randomBytes(8 * KiB));
  await z.store('/fine', randomBytes(8 * KiB));
  const healthy = await z.repair();
  t.is(healthy.healthyObjects, 2);
  t.is(healthy.repairedObjects, 0);
  t.is(healthy.worstMarginShards, 2);
  for (const id of stored.backends.slice(0, 3)) await serverOf(c, id).stop();
  const report = await z.repair();
  t.deepEqual(report.lostPaths, ['/gone']);
  t.is(report.worstMarginShards, -1);
});

test('repair waits (reports failed, loses nothing) when too few writable backends remain', async (t) => {
  const { c, z } = await cluster(t, 6);
  const bytes = randomBytes(16 * KiB);
  const stored = await z.store('/tight', bytes);
  await serverOf(c, stored.backends[0]!).stop();
  const report = await z.repair();
  t.is(report.failed.length, 1);
  t.regex(report.failed[0]!.reason, /noPlacement/);
  t.true((await z.retrieve('/tight')).equals(bytes));
  // The backend comes back: the object is whole again without a rewrite.
  await serverOf(c, stored.backends[0]!).start();
  t.is((await z.check('/tight')).state, 'healthy');
});
