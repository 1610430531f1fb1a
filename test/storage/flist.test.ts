import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { FlowNetwork } from '../../sim/hardware/flow-network.js';
import { BlockCache } from '../../sim/storage/flist/block-cache.js';
import { BLOCK_SIZE_BYTES, Flist, makeFile } from '../../sim/storage/flist/flist.js';
import { distroFlist, vmImageFlist } from '../../sim/storage/flist/generate.js';
import { Hub, HubUnreachableError } from '../../sim/storage/flist/hub.js';
import { MiB, watch } from '../helpers/zmachine-fixture.js';

const bandwidth = 10 * MiB;

function world(flists: Flist[], capacityBytes?: number) {
  const sim = new Simulation();
  const hub = new Hub(new FlowNetwork(sim), { bandwidthBytesPerS: bandwidth });
  for (const f of flists) hub.publish(f);
  const cache = (name: string) => new BlockCache(sim, hub, { name, ...(capacityBytes === undefined ? {} : { capacityBytes }) });
  return { sim, hub, cache };
}

/** One file of exactly `blocks` full blocks. */
function oneFile(url: string, blocks: number, key = url): Flist {
  return new Flist(url, [makeFile('/data', blocks * BLOCK_SIZE_BYTES, key)], []);
}

test('files split into 512 KiB blocks; a range maps to the blocks it touches', (t) => {
  const file = makeFile('/f', 3 * BLOCK_SIZE_BYTES / 2, 'k');
  t.deepEqual(file.blocks.map((b) => b.sizeBytes), [BLOCK_SIZE_BYTES, BLOCK_SIZE_BYTES / 2]);
  const flist = new Flist('u', [file], []);
  t.is(flist.blocksOf('/f', BLOCK_SIZE_BYTES + 10, 100).length, 1);
  t.is(flist.blocksOf('/f', BLOCK_SIZE_BYTES - 1, 2).length, 2);
  t.is(flist.blocksOf('/f', 10 * BLOCK_SIZE_BYTES, 1).length, 0);
  t.throws(() => flist.blocksOf('/nope'), { message: /no file \/nope/ });
});

test('the generator is deterministic, shares base blocks across seeds and not app blocks', (t) => {
  const a = distroFlist({ seed: 1, baseFileCount: 30, appFileCount: 5 });
  const a2 = distroFlist({ seed: 1, baseFileCount: 30, appFileCount: 5 });
  const b = distroFlist({ seed: 2, baseFileCount: 30, appFileCount: 5 });
  const hashes = (f: Flist, prefix: string) => f.files.filter((x) => x.path.startsWith(prefix)).flatMap((x) => x.blocks.map((bl) => bl.hash));
  t.deepEqual(a.files, a2.files);
  t.deepEqual(hashes(a, '/usr'), hashes(b, '/usr'));
  t.deepEqual(hashes(a, '/sbin'), hashes(b, '/sbin'));
  const bApp = new Set(hashes(b, '/opt'));
  t.false(hashes(a, '/opt').some((h) => bApp.has(h)));
  t.false(a.isVmImage);
  const image = vmImageFlist({ name: 'ubuntu-vm', imageSizeBytes: 40 * MiB });
  t.true(image.isVmImage);
  t.is(image.blocksOf('/image.raw').length, 80);
});

test('first read fetches at hub bandwidth, the second is a cache hit at no cost', (t) => {
  const flist = oneFile('u', 8);
  const { sim, cache } = world([flist]);
  const c = cache('n0');
  const first = watch(sim, c.read(flist, '/data'));
  sim.run();
  t.true(first.ok);
  t.is(first.atS, (8 * BLOCK_SIZE_BYTES) / bandwidth);
  t.like(first.value, { fetchedBlocks: 8, hitBlocks: 0 });
  const startS = sim.nowS;
  const second = watch(sim, c.read(flist, '/data', 0, 3 * BLOCK_SIZE_BYTES));
  sim.run();
  t.is(second.atS, startS);
  t.like(second.value, { fetchedBlocks: 0, hitBlocks: 3, fetchedBytes: 0 });
  t.like(c.stats, { misses: 8, hits: 3, blockFetches: 1, fetchedBytes: 8 * BLOCK_SIZE_BYTES });
});

test('concurrent readers of a missing block share one fetch; identical content in two flists is one block', (t) => {
  const f1 = oneFile('u1', 4, 'same');
  const f2 = oneFile('u2', 4, 'same');
  const { sim, cache } = world([f1, f2]);
  const c = cache('n0');
  const r1 = watch(sim, c.read(f1, '/data'));
  const r2 = watch(sim, c.read(f2, '/data'));
  sim.run();
  t.is(r1.atS, r2.atS);
  t.like(r2.value, { fetchedBlocks: 0, sharedBlocks: 4 });
  t.like(c.stats, { blockFetches: 1, misses: 4, sharedWaits: 4, fetchedBytes: 4 * BLOCK_SIZE_BYTES });
});

test('two nodes fetching at once share the hub bandwidth', (t) => {
  const flist = oneFile('u', 10);
  const { sim, cache } = world([flist]);
  const a = watch(sim, cache('n0').read(flist, '/data'));
  const b = watch(sim, cache('n1').read(flist, '/data'));
  sim.run();
  const alone = (10 * BLOCK_SIZE_BYTES) / bandwidth;
  t.true(Math.abs(a.atS - 2 * alone) < 1e-9 && Math.abs(b.atS - 2 * alone) < 1e-9);
});

test('hub outage: cached blocks still read, uncached ones fail typed, mounts fail; a mid-fetch outage fails readers', (t) => {
  const flist = oneFile('u', 4);
  const { sim, hub, cache } = world([flist]);
  const c = cache('n0');
  watch(sim, c.read(flist, '/data', 0, 2 * BLOCK_SIZE_BYTES));
  sim.run();
  hub.setUp(false);
  const cached = watch(sim, c.read(flist, '/data', 0, 2 * BLOCK_SIZE_BYTES));
  const uncached = watch(sim, c.read(flist, '/data'));
  const mount = watch(sim, c.mount('u'));
  sim.run();
  t.true(cached.ok);
  t.false(uncached.ok);
  t.true(uncached.error instanceof HubUnreachableError);
  t.true(mount.error instanceof HubUnreachableError);
  hub.setUp(true);
  const midway = watch(sim, c.read(flist, '/data'));
  sim.schedule(0.05, () => hub.setUp(false));
  sim.run();
  t.true(midway.error instanceof HubUnreachableError);
  t.false(c.has(flist.blocksOf('/data')[3]!.hash));
  hub.setUp(true);
  const retry = watch(sim, c.read(flist, '/data'));
  sim.run();
  t.like(retry.value, { fetchedBlocks: 2, hitBlocks: 2 });
});

test('an unknown flist fails to mount; metadata is fetched once per node', (t) => {
  const flist = oneFile('u', 1);
  const { sim, cache } = world([flist]);
  const c = cache('n0');
  const missing = watch(sim, c.mount('nope'));
  const m1 = watch(sim, c.mount('u'));
  const m2 = watch(sim, c.mount('u'));
  sim.run();
  t.regex(String((missing.error as Error).message), /not found/);
  t.true(m1.ok && m2.ok);
  t.is(m1.atS, flist.metadataBytes / bandwidth);
  t.is(c.stats.metadataFetches, 1);
});

test('with a capacity the cache evicts least recently used blocks', (t) => {
  const flist = oneFile('u', 4);
  const { sim, cache } = world([flist], 3 * BLOCK_SIZE_BYTES);
  const c = cache('n0');
  const blocks = flist.blocksOf('/data');
  watch(sim, c.readBlocks(blocks.slice(0, 3)));
  sim.run();
  watch(sim, c.readBlocks([blocks[0]!])); // block 0 becomes most recent, block 1 the eviction victim
  watch(sim, c.readBlocks([blocks[3]!]));
  sim.run();
  t.deepEqual(blocks.map((b) => c.has(b.hash)), [true, false, true, true]);
  t.is(c.usedBytes, 3 * BLOCK_SIZE_BYTES);
  t.is(c.stats.evictions, 1);
});
