// Durability of the real 0-db server across restarts: data and settings kept, the index rebuilt
// from data, a torn or garbled tail cut by CRC, every acknowledged write surviving kill -9.

import { existsSync, openSync, closeSync, readSync, writeSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Redis } from 'ioredis';
import { client, removeDataDir, reply, startZdb, tempDataDir, type ZdbProcess } from '../helpers/zdb-server.js';
import { waitUntil } from '../helpers/wait.js';

/** A server on `dataDir` and a client with `ns` selected, both stopped when the test ends. */
async function open(t: { teardown(fn: () => unknown): void }, dataDir: string, ns?: string): Promise<{ zdb: ZdbProcess; redis: Redis }> {
  const zdb = await startZdb({ dataDir });
  const redis = client(zdb.port);
  t.teardown(async () => {
    redis.disconnect();
    await zdb.stop();
  });
  if (ns !== undefined) {
    await reply(redis, 'NSNEW', ns);
    await redis.call('SELECT', ns);
  }
  return { zdb, redis };
}

async function writeKeys(redis: Redis, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await redis.call('SET', `k${i}`, `value-${i}-${'x'.repeat(i * 10)}`);
}

test.serial('a restart keeps values, history, settings and the seq counter; SIGTERM exits 0 with nothing on stdout', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  {
    const { zdb, redis } = await open(t, dataDir, 'kept');
    await writeKeys(redis, 5);
    await redis.call('SET', 'k0', 'newer');
    await redis.call('DEL', 'k1');
    await redis.call('NSNEW', 'seq');
    await redis.call('NSSET', 'seq', 'mode', 'seq');
    await redis.call('NSSET', 'kept', 'password', 'pw');
    await redis.call('NSSET', 'kept', 'public', '0');
    await redis.call('NSSET', 'kept', 'maxsize', '100000');
    await redis.call('SELECT', 'seq');
    for (let i = 0; i < 3; i++) await redis.call('SET', '', `s${i}`);
    redis.disconnect();
    t.is(await zdb.stop(), 0);
    t.is(zdb.stdout(), '');
  }
  const { redis } = await open(t, dataDir);
  t.deepEqual(await reply(redis, 'SELECT', 'kept'), { error: 'Namespace protected and private' });
  await redis.call('SELECT', 'kept', 'pw');
  t.is(await redis.call('GET', 'k0'), 'newer');
  t.is(await redis.call('GET', 'k1'), null);
  t.is(await redis.call('GET', 'k4'), `value-4-${'x'.repeat(40)}`);
  t.is(await redis.call('DBSIZE'), 4);
  const [cursor] = (await redis.callBuffer('HISTORY', 'k0')) as [Buffer];
  t.is(((await redis.callBuffer('HISTORY', 'k0', cursor)) as Buffer[])[2]!.toString(), 'value-0-');
  t.regex(String(await redis.call('NSINFO', 'kept')), /data_limits_bytes: 100000\n/);
  await redis.call('SELECT', 'seq');
  // 8-byte ids still read after the restart, and the counter goes on.
  t.is(await redis.call('GET', Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])), 's1');
  t.is(((await redis.callBuffer('SET', '', 's3')) as Buffer).readBigUInt64LE(), 3n);
});

test.serial('a deleted index file is rebuilt from the data file', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const indexPath = join(dataDir, 'ns', 'index');
  let indexBytes: number;
  {
    const { zdb, redis } = await open(t, dataDir, 'ns');
    await writeKeys(redis, 20);
    await redis.call('DEL', 'k3');
    redis.disconnect();
    await zdb.stop();
    indexBytes = statSync(indexPath).size;
  }
  rmSync(indexPath);
  const { redis } = await open(t, dataDir);
  await redis.call('SELECT', 'ns');
  t.is(await redis.call('DBSIZE'), 19);
  t.is(await redis.call('GET', 'k19'), `value-19-${'x'.repeat(190)}`);
  t.is(await redis.call('GET', 'k3'), null);
  t.true(existsSync(indexPath));
  t.is(statSync(indexPath).size, indexBytes);
});

test.serial('an index torn or behind the data file (it is not fsynced per batch) is completed from data', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const indexPath = join(dataDir, 'ns', 'index');
  {
    const { zdb, redis } = await open(t, dataDir, 'ns');
    await writeKeys(redis, 10);
    redis.disconnect();
    await zdb.stop();
  }
  const size = statSync(indexPath).size;
  // Cut into the middle of the index: the last entries are torn or missing.
  truncateSync(indexPath, size - 40);
  const { redis } = await open(t, dataDir);
  await redis.call('SELECT', 'ns');
  t.is(await redis.call('DBSIZE'), 10);
  t.is(await redis.call('GET', 'k9'), `value-9-${'x'.repeat(90)}`);
  t.is(statSync(indexPath).size, size);
});

for (const damage of ['truncated', 'garbled'] as const) {
  test.serial(`a ${damage} tail of the data file is cut at start and the rest is served`, async (t) => {
    const dataDir = tempDataDir();
    t.teardown(() => removeDataDir(dataDir));
    const dataPath = join(dataDir, 'ns', 'data');
    {
      const { zdb, redis } = await open(t, dataDir, 'ns');
      await writeKeys(redis, 10);
      redis.disconnect();
      await zdb.stop();
    }
    const size = statSync(dataPath).size;
    if (damage === 'truncated') truncateSync(dataPath, size - 7);
    else flipByte(dataPath, size - 3);
    const { zdb, redis } = await open(t, dataDir);
    t.regex(zdb.stderr(), /namespace ns: cut \d+ torn bytes from data/);
    await redis.call('SELECT', 'ns');
    t.is(await redis.call('GET', 'k9'), null);
    t.is(await redis.call('GET', 'k8'), `value-8-${'x'.repeat(80)}`);
    t.is(await redis.call('DBSIZE'), 9);
    // The cut is exactly the last entry: 18-byte header, 2-byte key, its payload.
    t.is(statSync(dataPath).size, size - (18 + 2 + `value-9-${'x'.repeat(90)}`.length));
    // Writing after the cut appends where the good data ended, and survives another restart.
    await redis.call('SET', 'k9', 'again');
    redis.disconnect();
    await zdb.stop();
    const second = await open(t, dataDir);
    await second.redis.call('SELECT', 'ns');
    t.is(await second.redis.call('GET', 'k9'), 'again');
  });
}

test.serial('CHECK reports a payload damaged in the middle of the data file', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  {
    const { zdb, redis } = await open(t, dataDir, 'ns');
    await writeKeys(redis, 3);
    redis.disconnect();
    await zdb.stop();
  }
  // k0's entry: 8-byte file magic, 18-byte header, 2-byte key, then its payload.
  flipByte(join(dataDir, 'ns', 'data'), 8 + 18 + 2 + 1);
  const { redis } = await open(t, dataDir);
  await redis.call('SELECT', 'ns');
  t.is(await redis.call('CHECK', 'k0'), 0);
  t.is(await redis.call('CHECK', 'k1'), 1);
  t.is(await redis.call('CHECK', 'k2'), 1);
});

test.serial('after kill -9 in the middle of a stream of writes, every acknowledged write is there', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const acked = new Map<string, string>();
  const sent = new Map<string, string>();
  {
    const { zdb, redis } = await open(t, dataDir, 'ns');
    let stop = false;
    // Four writers with eight requests in flight each, so batches are mid-write when the kill lands.
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const batch = Array.from({ length: 8 }, (_, j) => [`w${w}-${i}-${j}`, `${w}:${i}:${j}:${'v'.repeat((i * 37 + j * 101) % 3000)}`] as const);
        for (const [k, v] of batch) sent.set(k, v);
        const results = await Promise.allSettled(batch.map(([k, v]) => redis.call('SET', k, v)));
        results.forEach((r, j) => r.status === 'fulfilled' && acked.set(batch[j]![0], batch[j]![1]));
        if (results.some((r) => r.status === 'rejected')) return;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await waitUntil('2000 acknowledged writes', () => acked.size, { until: (n) => n >= 2000, timeoutMs: 60_000 });
    zdb.signal('SIGKILL');
    t.is(await zdb.exited, 137);
    stop = true;
    await Promise.all(writers);
    redis.disconnect();
  }
  t.log(`${acked.size} writes acknowledged before kill -9`);
  const { redis } = await open(t, dataDir);
  await redis.call('SELECT', 'ns');
  const keys = [...acked.keys()];
  const missing: string[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const values = (await redis.call('MGET', ...chunk)) as (string | null)[];
    chunk.forEach((k, j) => values[j] !== acked.get(k) && missing.push(k));
  }
  t.deepEqual(missing, []);
  // Writes in flight at the kill are all-or-nothing: absent, or there with their whole value.
  const inFlight = [...sent.keys()].filter((k) => !acked.has(k));
  const values = (await redis.call('MGET', ...inFlight)) as (string | null)[];
  t.log(`${inFlight.length} writes in flight; ${values.filter((v) => v !== null).length} of them reached the disk`);
  inFlight.forEach((k, i) => t.true(values[i] === null || values[i] === sent.get(k), k));
  t.true(inFlight.length > 0);
  t.is(await redis.call('DBSIZE'), acked.size + values.filter((v) => v !== null).length);
});

function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}
