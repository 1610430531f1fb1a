// Pack → materialise over a directory hub: the tree comes back byte for byte with its modes and
// symlinks, blocks are deduplicated, reads are lazy per file, and bad metadata is refused by field.

import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { HostBlockCache } from '../../workers/host/flist/block-cache.js';
import { blockKey } from '../../workers/host/flist/block-key.js';
import { DirHub } from '../../workers/host/flist/dir-hub.js';
import { BlockCorruptError, HubMissingError } from '../../workers/host/flist/errors.js';
import { buildFlist, parseFlist, serializeFlist } from '../../workers/host/flist/format.js';
import { materialise } from '../../workers/host/flist/materialise.js';
import { packDir, packToFile } from '../../workers/host/flist/pack.js';
import { FlistReader } from '../../workers/host/flist/reader.js';
import { BIG_FILE, BIG_FILE_BYTES, KiB, bytes, makeTree, removeDir, snapshot, tempDir } from './flist-fixture.js';

async function packed(t: { teardown(fn: () => Promise<void>): void }) {
  const root = tempDir('flist');
  t.teardown(() => removeDir(root));
  const src = join(root, 'src');
  mkdirSync(src);
  makeTree(src);
  const hub = new DirHub(join(root, 'hub'));
  const result = await packToFile(src, join(root, 'tree.fl'), hub);
  return { root, src, hub, result };
}

test('pack then materialise gives back the same tree: bytes, modes, symlinks, empty and multi-block files', async (t) => {
  const { root, src, hub, result } = await packed(t);
  const meta = parseFlist(readFileSync(join(root, 'tree.fl')), 'tree.fl');
  t.is(meta.checksum, result.meta.checksum);
  const big = meta.entries.find((e) => e.path === BIG_FILE);
  t.is(big?.type === 'file' ? big.blocks.length : -1, 3, `${BIG_FILE_BYTES} bytes is 3 blocks of 512 KiB`);
  const out = await materialise(meta, join(root, 'dst'), { cache: new HostBlockCache(join(root, 'cache'), hub) });
  t.deepEqual(snapshot(join(root, 'dst')), snapshot(src));
  t.is(readFileSync(join(root, 'dst', BIG_FILE)).compare(bytes('big', BIG_FILE_BYTES)), 0);
  t.is(out.files, 7);
  t.is(out.symlinks, 2);
  t.is(out.totalBytes, result.totalBytes);
  // 3 blocks of big.bin (copy.bin shares its first) + 4 small files; the empty file has none.
  t.is(out.fetchedBlocks, 7);
});

test('identical content is stored once, and packing the same tree again uploads nothing', async (t) => {
  const { src, hub, result } = await packed(t);
  t.is(result.blocks, 7);
  t.is(result.uploadedBlocks, 7);
  t.is(readdirSync(join(hub.dir, 'blocks')).length, 7);
  const again = await packDir(src, hub);
  t.is(again.uploadedBlocks, 0);
  t.is(again.meta.checksum, result.meta.checksum);
});

test('readFile fetches only the blocks of the file read, and a second read none', async (t) => {
  const { root, hub, result } = await packed(t);
  const cache = new HostBlockCache(join(root, 'cache'), hub);
  const reader = new FlistReader(result.meta, cache);
  t.is((await reader.readFile('usr/lib/copy.bin')).compare(bytes('big', 512 * KiB)), 0);
  t.is(cache.stats.misses, 1);
  // big.bin's first block is copy.bin's: only its two other blocks come from the hub.
  t.is((await reader.readFile(BIG_FILE)).length, BIG_FILE_BYTES);
  t.deepEqual([cache.stats.misses, cache.stats.hits], [3, 1]);
  await reader.readFile(BIG_FILE);
  t.deepEqual([cache.stats.misses, cache.stats.hits], [3, 4]);
  t.throws(() => reader.file('etc'), { message: /no file etc/ });
});

test('a block damaged in the hub directory is detected and never cached; a damaged cached copy is refetched', async (t) => {
  const { root, hub, result } = await packed(t);
  const passwd = result.meta.entries.find((e) => e.path === 'etc/passwd');
  const key = passwd?.type === 'file' ? passwd.blocks[0]! : '';
  const good = readFileSync(hub.blockPath(key));
  writeFileSync(hub.blockPath(key), 'root::0:0:evil\n');
  const cache = new HostBlockCache(join(root, 'cache'), hub);
  const error = await t.throwsAsync(materialise(result.meta, join(root, 'dst'), { cache }), { instanceOf: BlockCorruptError });
  t.regex(error!.message, new RegExp(`block ${key} from hub .* does not match its hash`));
  t.false(await cache.has(key));
  t.deepEqual(readdirSync(join(root, 'dst')), [], 'a failed materialise leaves the target empty');
  // Restore the hub, poison the cache: the cache notices and fetches a good copy.
  writeFileSync(hub.blockPath(key), good);
  await cache.get(key);
  writeFileSync(cache.blockPath(key), 'garbage');
  t.is((await cache.get(key)).compare(good), 0);
  t.is(cache.stats.repaired, 1);
});

test('a hub missing a block names the hub and the block', async (t) => {
  const { root, hub, result } = await packed(t);
  const cache = new HostBlockCache(join(root, 'cache'), new DirHub(join(root, 'elsewhere')));
  const error = await t.throwsAsync(materialise(result.meta, join(root, 'dst'), { cache }), { instanceOf: HubMissingError });
  t.regex(error!.message, /hub .*elsewhere has no block [0-9a-f]{64}/);
  await t.throwsAsync(hub.putBlock(blockKey(Buffer.from('a')), Buffer.from('b')), { instanceOf: BlockCorruptError });
});

test('materialise refuses a target that is not empty', async (t) => {
  const { root, hub, result } = await packed(t);
  mkdirSync(join(root, 'dst'));
  writeFileSync(join(root, 'dst', 'x'), '');
  await t.throwsAsync(materialise(result.meta, join(root, 'dst'), { cache: new HostBlockCache(join(root, 'cache'), hub) }), { message: /field target: .* is not empty/ });
});

test('metadata that is not ours, tampered, or unsafe is refused naming the field', (t) => {
  const sealed = serializeFlist(buildFlist([{ path: 'bin', type: 'dir', mode: 0o755 }]));
  const good = JSON.parse(sealed) as Record<string, unknown>;
  const text = (doc: object): string => JSON.stringify(doc);
  t.is(parseFlist(sealed, 'm.fl').entries.length, 1);
  t.throws(() => parseFlist('{', 'm.fl'), { message: /m\.fl: not JSON/ });
  t.throws(() => parseFlist(text({ ...good, format: 'rfs' }), 'm.fl'), { message: /field format: must be "zos-testbed-flist"/ });
  t.throws(() => parseFlist(text({ ...good, version: 2 }), 'm.fl'), { message: /field version: unsupported version 2/ });
  // A hand edit (a mode made setuid) without a new checksum.
  t.throws(() => parseFlist(sealed.replace('"mode":493', '"mode":2541'), 'm.fl'), { message: /field checksum: does not match/ });
  const entries = (list: object[]) => text({ ...good, entries: list });
  t.throws(() => parseFlist(entries([{ path: '../etc', type: 'dir', mode: 0o755 }]), 'm.fl'), { message: /field entries\[0\]\.path: must be a relative path/ });
  t.throws(() => parseFlist(entries([{ path: '/etc', type: 'dir', mode: 0o755 }]), 'm.fl'), { message: /entries\[0\]\.path/ });
  t.throws(() => parseFlist(entries([{ path: 'a/b', type: 'dir', mode: 0o755 }]), 'm.fl'), { message: /parent a of a\/b is not an earlier dir entry/ });
  // A file under a symlink would be written through the link: its parent must be a dir entry.
  t.throws(() => parseFlist(entries([{ path: 'l', type: 'symlink', mode: 0o777, target: '/etc' }, { path: 'l/passwd', type: 'file', mode: 0o644, sizeBytes: 0, blocks: [] }]), 'm.fl'), { message: /parent l of l\/passwd/ });
  t.throws(() => parseFlist(entries([{ path: 'f', type: 'file', mode: 0o644, sizeBytes: 600 * KiB, blocks: ['a'.repeat(64)] }]), 'm.fl'), { message: /entries\[0\]\.blocks: must list 2 block keys/ });
  t.throws(() => parseFlist(entries([{ path: 'f', type: 'file', mode: 0o644, sizeBytes: 1, blocks: ['../x'] }]), 'm.fl'), { message: /entries\[0\]\.blocks\[0\]: must be 64 lowercase hex/ });
  t.throws(() => parseFlist(entries([{ path: 'f', type: 'fifo', mode: 0o644 }]), 'm.fl'), { message: /entries\[0\]\.type: must be dir, file or symlink/ });
  t.throws(() => parseFlist(entries([{ path: 'f', type: 'dir', mode: 0o17777 }]), 'm.fl'), { message: /entries\[0\]\.mode/ });
});

test('packing a tree that holds its own metadata file and directory hub leaves both out', async (t) => {
  const root = tempDir('flist-self');
  t.teardown(() => removeDir(root));
  writeFileSync(join(root, 'data'), 'x');
  const first = await packToFile(root, join(root, 'self.fl'), new DirHub(join(root, 'hub')));
  const again = await packToFile(root, join(root, 'self.fl'), new DirHub(join(root, 'hub')));
  t.deepEqual(again.meta.entries.map((e) => e.path), ['data']);
  t.is(again.meta.checksum, first.meta.checksum);
});
