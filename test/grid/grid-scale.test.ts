// 100 000 nodes: memory per node after build (typed arrays + JS heap, measured after gc) and that a
// scan of the whole grid works. Asserts memory, not time: the two shared cores make timings noisy.

import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { GridSpec } from '../../sim/grid/grid-spec.js';
import { GiB, setup } from './grid-helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function usedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** 1 000 farms of 100 nodes (60 farmer-server, 30 diy-small, 10 storage-heavy), 16 addresses each. */
function bigSpec(): GridSpec {
  const farms = [];
  for (let f = 0; f < 1000; f++) {
    farms.push({
      name: `farm-${f}`,
      publicIpv4Count: 16,
      nodes: [
        { template: 'farmer-server', count: 60 },
        { template: 'diy-small', count: 30 },
        { template: 'storage-heavy', count: 10 },
      ],
    });
  }
  return { farms };
}

test('100 000 nodes cost at most 2 KiB each', (t) => {
  const spec = bigSpec();
  const before = usedBytes();
  const startedMs = performance.now();
  const { grid } = setup(spec);
  const buildMs = performance.now() - startedMs;
  const bytesPerNode = (usedBytes() - before) / grid.nodeCount;
  t.is(grid.nodeCount, 100_000);
  t.log(`build ${buildMs.toFixed(0)} ms; ${bytesPerNode.toFixed(1)} B/node in all, of which typed arrays ${(grid.table.arrayBytes / grid.nodeCount).toFixed(1)} B/node`);
  t.true(bytesPerNode <= 2048, `${bytesPerNode} B/node`);
  t.is(grid.deviceModelCount, 0);
  // The grid still works at this size: fill every node's memory to the last byte.
  let admitted = 0;
  for (let n = 0; n < grid.nodeCount; n++) if (grid.reserveMemory(n, grid.free(n).mruBytes)) admitted++;
  t.is(admitted, 100_000);
  t.false(grid.reserveMemory(99_999, 1));
  t.is(grid.total(99_999).mruBytes, 128 * GiB); // the last node of the last farm is a storage-heavy one
  t.is(grid.farmOf(99_999), 999);
  // What lazy creation saves: the models of 1 000 farmer-servers (2 SSDs, 4 HDDs, a CPU each).
  const beforeDevices = usedBytes();
  for (let k = 0; k < 1000; k++) {
    const n = Math.floor(k / 60) * 100 + (k % 60); // the first 60 nodes of each farm are farmer-servers
    for (let i = 0; i < 2; i++) grid.ssd(n, i);
    for (let i = 0; i < 4; i++) grid.hdd(n, i);
    grid.cpu(n);
  }
  t.log(`device models of a farmer-server: ${((usedBytes() - beforeDevices) / 1000).toFixed(0)} B/node`);
});
