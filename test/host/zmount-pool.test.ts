// Real zmounts in a temp dir: files preallocated to their size, an SSD pool never overcommitted
// (even by concurrent creates), grow-only resize, delete frees, and bad input named by field.

import { statSync, existsSync } from 'node:fs';
import test from 'ava';
import { ErrorCode } from '../../sim/errors.js';
import { ZmountCapacityError, ZmountNotFoundError, ZmountRefusedError } from '../../workers/host/zmount/errors.js';
import { ZmountPool } from '../../workers/host/zmount/pool.js';
import { MiB, removeDir, tempDir } from './flist-fixture.js';

async function pool(t: { teardown(fn: () => Promise<void>): void }, poolSizeBytes = 8 * MiB, prefer?: 'zero-fill' | 'fallocate') {
  const dataDir = tempDir('zmount');
  t.teardown(() => removeDir(dataDir));
  return ZmountPool.open({ dataDir, poolSizeBytes, ...(prefer ? { preallocate: prefer } : {}) });
}

/** Bytes the file system really holds for the file: what preallocation must have reserved. */
function allocatedBytes(path: string): number {
  return statSync(path).blocks * 512;
}

test('create preallocates a file of exactly the requested size and counts it against the pool', async (t) => {
  const p = await pool(t);
  const z = await p.create('vol1', 3 * MiB);
  t.is(statSync(z.path).size, 3 * MiB);
  t.true(allocatedBytes(z.path) >= 3 * MiB, 'no sparse holes: the bytes are reserved now');
  t.is(p.lastPreallocator, 'fallocate', 'util-linux fallocate is on this host and ext4/tmpfs support it');
  t.deepEqual([p.usedBytes, p.freeBytes], [3 * MiB, 5 * MiB]);
  t.deepEqual(p.list().map((v) => [v.name, v.sizeBytes]), [['vol1', 3 * MiB]]);
});

test('without fallocate, zero-filling reserves the same bytes', async (t) => {
  const p = await pool(t, 8 * MiB, 'zero-fill');
  const z = await p.create('vol1', 2 * MiB + 5);
  t.is(p.lastPreallocator, 'zero-fill');
  t.is(statSync(z.path).size, 2 * MiB + 5);
  t.true(allocatedBytes(z.path) >= 2 * MiB + 5);
  await p.resize('vol1', 3 * MiB);
  t.true(allocatedBytes(z.path) >= 3 * MiB);
});

test('a request larger than what is left is refused with E_CAPACITY, and the pool is unchanged', async (t) => {
  const p = await pool(t);
  await p.create('a', 6 * MiB);
  const error = await t.throwsAsync(p.create('b', 3 * MiB), { instanceOf: ZmountCapacityError });
  t.is(error!.code, ErrorCode.capacity);
  t.is(error!.message, `zmount b: needs ${3 * MiB} bytes but the SSD pool has ${2 * MiB} of ${8 * MiB} free`);
  t.false(existsSync(p.pathOf('b')));
  t.is(p.usedBytes, 6 * MiB);
  // Exactly what is left fits: the limit is ≤, not <.
  await p.create('c', 2 * MiB);
  t.is(p.freeBytes, 0);
});

test('concurrent creates racing for the last bytes: exactly one wins', async (t) => {
  const p = await pool(t);
  const results = await Promise.allSettled([p.create('x', 5 * MiB), p.create('y', 5 * MiB), p.create('z', 5 * MiB)]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.is(p.usedBytes, 5 * MiB);
  for (const r of results) if (r.status === 'rejected') t.true(r.reason instanceof ZmountCapacityError);
});

test('resize grows only: same size is a no-op, shrink and over-pool growth are refused', async (t) => {
  const p = await pool(t);
  const z = await p.create('vol', 2 * MiB);
  await p.resize('vol', 4 * MiB);
  t.is(statSync(z.path).size, 4 * MiB);
  t.true(allocatedBytes(z.path) >= 4 * MiB);
  t.is((await p.resize('vol', 4 * MiB)).sizeBytes, 4 * MiB);
  const shrink = await t.throwsAsync(p.resize('vol', 1 * MiB), { instanceOf: ZmountRefusedError });
  t.is(shrink!.reason, 'shrink');
  t.regex(shrink!.message, /not safe to shrink/);
  await t.throwsAsync(p.resize('vol', 9 * MiB), { instanceOf: ZmountCapacityError, message: /needs 5242880 bytes .* has 4194304 of 8388608 free/ });
  t.is(statSync(z.path).size, 4 * MiB, 'refusals leave the file as it was');
  p.attach('vol');
  const mounted = await t.throwsAsync(p.resize('vol', 5 * MiB), { instanceOf: ZmountRefusedError });
  t.is(mounted!.message, 'zmount vol: disk is mounted, please delete the VM first');
  p.detach('vol');
  await p.resize('vol', 5 * MiB);
  t.is(p.usedBytes, 5 * MiB);
});

test('delete frees the space and removes the file; an attached zmount cannot be deleted', async (t) => {
  const p = await pool(t);
  const z = await p.create('vol', 8 * MiB);
  t.is(p.attach('vol'), z.path);
  await t.throwsAsync(p.delete('vol'), { instanceOf: ZmountRefusedError, message: /disk is mounted/ });
  p.detach('vol');
  await p.delete('vol');
  t.false(existsSync(z.path));
  t.is(p.freeBytes, 8 * MiB);
  await p.create('again', 8 * MiB);
  await t.throwsAsync(p.delete('vol'), { instanceOf: ZmountNotFoundError, message: 'zmount vol does not exist' });
});

test('bad names and sizes are refused naming the field', async (t) => {
  const p = await pool(t);
  for (const name of ['../etc', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
    await t.throwsAsync(p.create(name, MiB), { message: /field name: must be 1-64 letters/ }, JSON.stringify(name));
  }
  for (const size of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
    await t.throwsAsync(p.create('ok', size), { message: /field sizeBytes: must be a positive integer/ }, String(size));
  }
  await p.create('ok', MiB);
  await t.throwsAsync(p.create('ok', MiB), { instanceOf: ZmountRefusedError, message: 'zmount ok: already exists' });
  await t.throwsAsync(ZmountPool.open({ dataDir: p.dataDir, poolSizeBytes: 0 }), { message: /field poolSizeBytes/ });
});
