// A zmount pool survives a restart: another process opening the same data dir sees the same zmounts
// and their data, and open() repairs what a crash between allocating and recording leaves behind.

import { execFile } from 'node:child_process';
import { readFileSync, statSync, truncateSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { ZmountCapacityError } from '../../workers/host/zmount/errors.js';
import { ZmountPool } from '../../workers/host/zmount/pool.js';
import { repoRoot } from '../helpers/cli.js';
import { MiB, removeDir, tempDir } from './flist-fixture.js';
import { pathToFileURL } from 'node:url';
import { loaderArgs, modulePath } from '../../sim/project-files.js';

const run = promisify(execFile);

test('another process sees the zmounts, sizes and data of the first, and its accounting', async (t) => {
  const dataDir = tempDir('zmount-restart');
  t.teardown(() => removeDir(dataDir));
  const first = await ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB });
  await first.create('keep', 2 * MiB);
  await first.create('grow', 1 * MiB);
  await first.create('gone', 1 * MiB);
  await first.resize('grow', 3 * MiB);
  await first.delete('gone');
  writeFileSync(first.pathOf('keep'), 'written by the VM', { flag: 'r+' });
  // A separate Node process, as after a restart: it lists what it finds and tries to overcommit.
  const script = `
    import { ZmountPool } from ${JSON.stringify(pathToFileURL(modulePath('workers/host/zmount/pool')).href)};
    const pool = await ZmountPool.open({ dataDir: ${JSON.stringify(dataDir)}, poolSizeBytes: ${8 * MiB} });
    const refused = await pool.create('big', ${4 * MiB}).then(() => 'created', (e) => e.constructor.name);
    console.log(JSON.stringify({ mounts: pool.list().map((m) => [m.name, m.sizeBytes]), free: pool.freeBytes, refused, recovery: pool.recovery }));
  `;
  const { stdout } = await run(process.execPath, [...loaderArgs(), '--input-type=module', '-e', script], { cwd: repoRoot });
  const seen = JSON.parse(stdout) as { mounts: [string, number][]; free: number; refused: string; recovery: object };
  t.deepEqual(seen.mounts, [['keep', 2 * MiB], ['grow', 3 * MiB]]);
  t.is(seen.free, 3 * MiB);
  t.is(seen.refused, 'ZmountCapacityError');
  t.deepEqual(seen.recovery, { removedOrphans: [], cutBack: [], lost: [] });
  t.is(readFileSync(first.pathOf('keep')).subarray(0, 17).toString(), 'written by the VM');
  t.is(statSync(first.pathOf('keep')).size, 2 * MiB);
});

test('open repairs a crash: orphan files removed, an unrecorded grow cut back, a vanished file dropped', async (t) => {
  const dataDir = tempDir('zmount-recover');
  t.teardown(() => removeDir(dataDir));
  const before = await ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB });
  await before.create('a', 1 * MiB);
  await before.create('b', 1 * MiB);
  await before.create('c', 1 * MiB);
  // What a crash can leave: a create allocated but never recorded, a grow never recorded, a lost disk.
  writeFileSync(join(dataDir, 'vdisks', '.tmp-d-0000'), 'half a create');
  writeFileSync(join(dataDir, 'vdisks', 'e.img'), 'renamed but not recorded');
  truncateSync(before.pathOf('b'), 2 * MiB);
  unlinkSync(before.pathOf('c'));
  const after = await ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB });
  t.deepEqual(after.recovery, { removedOrphans: ['.tmp-d-0000', 'e.img'], cutBack: ['b'], lost: ['c'] });
  t.deepEqual(after.list().map((m) => m.name), ['a', 'b']);
  t.is(statSync(after.pathOf('b')).size, 1 * MiB);
  t.false(existsSync(join(dataDir, 'vdisks', 'e.img')));
  t.is(after.freeBytes, 6 * MiB);
  // The dropped zmount stays dropped for the next open too.
  t.deepEqual((await ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB })).list().map((m) => m.name), ['a', 'b']);
});

test('a pool reopened smaller than its zmounts, or on a state file not ours, is refused clearly', async (t) => {
  const dataDir = tempDir('zmount-reopen');
  t.teardown(() => removeDir(dataDir));
  const p = await ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB });
  await p.create('a', 6 * MiB);
  await t.throwsAsync(ZmountPool.open({ dataDir, poolSizeBytes: 4 * MiB }), { message: /field poolSizeBytes: 4194304 bytes cannot hold the 6291456 bytes of the zmounts already in/ });
  writeFileSync(join(dataDir, 'zmounts.json'), '{"format":"something-else"}');
  await t.throwsAsync(ZmountPool.open({ dataDir, poolSizeBytes: 8 * MiB }), { message: /zmounts\.json: field format: must be "zos-testbed-zmounts"/ });
});
