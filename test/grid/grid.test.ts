// The grid's admission (memory reserve and actual term, SSD/HDD placement, IPv4 pools), totals, lazy
// devices and determinism, with figures worked by hand. Power and uptime: grid-power.test.ts; specs: grid-spec.test.ts.

import test from 'ava';
import fc from 'fast-check';
import { memoryReserveBytes } from '../../sim/grid/capacity.js';
import { GiB, catalogWith, customTemplate, oneFarm, setup } from './grid-helpers.js';
import { fcParams } from '../helpers/fc-params.js';

const ram16 = customTemplate('ram-16g', 16 * GiB);
const ram64 = customTemplate('ram-64g', 64 * GiB);
const profiles = catalogWith(ram16, ram64);

test('a 16 GiB node reserves 2 GiB: 14 GiB fits exactly, one byte more is refused, release frees', (t) => {
  const { grid } = setup(oneFarm([{ template: 'ram-16g', count: 1 }]), { profiles });
  t.is(memoryReserveBytes(16 * GiB), 2 * GiB); // 10 % = 1.6 GiB is below the 2 GiB floor
  t.is(grid.free(0).mruBytes, 14 * GiB);
  t.false(grid.reserveMemory(0, 14 * GiB + 1));
  t.true(grid.reserveMemory(0, 14 * GiB));
  t.false(grid.reserveMemory(0, 1));
  t.is(grid.free(0).mruBytes, 0);
  grid.releaseMemory(0, 4 * GiB);
  t.is(grid.free(0).mruBytes, 4 * GiB);
  t.true(grid.reserveMemory(0, 4 * GiB));
  t.throws(() => grid.releaseMemory(0, 18 * GiB), { message: /only 15032385536 are reserved/ });
});

test('a 64 GiB node reserves 10 % = 6.4 GiB, floored to whole bytes as zos computes it', (t) => {
  const { grid } = setup(oneFarm([{ template: 'ram-64g', count: 1 }]), { profiles });
  // 64 GiB = 68 719 476 736 bytes; ·10/100 = 6 871 947 673.6 → 6 871 947 673; left 61 847 529 063.
  t.is(memoryReserveBytes(64 * GiB), 6_871_947_673);
  t.is(grid.free(0).mruBytes, 61_847_529_063);
  t.false(grid.reserveMemory(0, 61_847_529_064));
  t.true(grid.reserveMemory(0, 61_847_529_063));
  t.is(grid.free(0).mruBytes, 0);
});

test('used = max(Σ reserved + reserve, actual): measured use above the theoretical one limits admission', (t) => {
  const { grid } = setup(oneFarm([{ template: 'ram-16g', count: 1 }]), { profiles });
  t.true(grid.reserveMemory(0, 1 * GiB)); // theoretical 3 GiB
  grid.setActualMemoryUsed(0, 10 * GiB); // the node measures 10 GiB in use: 6 GiB left
  t.is(grid.free(0).mruBytes, 6 * GiB);
  t.false(grid.reserveMemory(0, 6 * GiB + 1));
  t.true(grid.reserveMemory(0, 6 * GiB)); // theoretical now 9 GiB < actual 10 GiB
  // actual is a measurement: until the caller measures again it does not include the new workload.
  t.is(grid.free(0).mruBytes, 6 * GiB);
  grid.setActualMemoryUsed(0, 16 * GiB);
  t.is(grid.free(0).mruBytes, 0);
  t.false(grid.reserveMemory(0, 1));
  grid.setActualMemoryUsed(0, 1 * GiB); // below theoretical: theoretical rules again
  t.is(grid.free(0).mruBytes, 16 * GiB - 9 * GiB);
});

test('SSD: the pool with most free space that fits, ties to the lowest index, never overcommitted', (t) => {
  const three = customTemplate('three-pools', 16 * GiB, [100, 300, 200]);
  const { grid } = setup(oneFarm([{ template: 'three-pools', count: 2 }]), { profiles: catalogWith(three) });
  t.is(grid.total(1).sruBytes, 600);
  t.is(grid.reserveSsd(1, 150), 1); // free 100, 150, 200
  t.is(grid.reserveSsd(1, 150), 2); // free 100, 150, 50
  t.is(grid.reserveSsd(1, 120), 1); // free 100, 30, 50
  t.is(grid.reserveSsd(1, 101), -1); // 180 bytes free in all, but no pool holds 101
  t.is(grid.reserveSsd(1, 100), 0);
  t.is(grid.free(1).sruBytes, 80);
  t.is(grid.free(0).sruBytes, 600); // the other node is untouched
  grid.releaseSsd(1, 2, 150);
  t.is(grid.reserveSsd(1, 200), 2);
  t.throws(() => grid.releaseSsd(1, 0, 101), { message: /exceed its 100 byte capacity/ });
  t.throws(() => grid.releaseSsd(1, 3, 1), { message: /has no ssd 3/ });
  t.throws(() => grid.reserveSsd(1, 1.5), { message: /bad size/ });
});

test('SSD placement property: random reserves and releases never overcommit and never refuse a fit', (t) => {
  const sizes = [1000, 3000, 2000, 3000];
  const template = customTemplate('four-pools', 16 * GiB, sizes);
  const op = fc.oneof(
    fc.record({ kind: fc.constant('reserve' as const), bytes: fc.integer({ min: 0, max: 3200 }) }),
    fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const { grid } = setup(oneFarm([{ template: 'four-pools', count: 1 }]), { profiles: catalogWith(template) });
      const used = sizes.map(() => 0);
      const held: { pool: number; bytes: number }[] = [];
      for (const o of ops) {
        if (o.kind === 'release') {
          if (held.length === 0) continue;
          const [h] = held.splice(o.pick % held.length, 1);
          grid.releaseSsd(0, h!.pool, h!.bytes);
          used[h!.pool]! -= h!.bytes;
          continue;
        }
        const free = sizes.map((s, i) => s - used[i]!);
        const fits = free.filter((f) => f >= o.bytes);
        const pool = grid.reserveSsd(0, o.bytes);
        if (fits.length === 0) {
          if (pool !== -1) return false;
          continue;
        }
        if (pool < 0 || free[pool]! !== Math.max(...fits)) return false; // refused a fit, or not the most free
        used[pool]! += o.bytes;
        held.push({ pool, bytes: o.bytes });
        if (used.some((u, i) => u > sizes[i]!)) return false;
      }
      return grid.free(0).sruBytes === sizes.reduce((a, b) => a + b, 0) - used.reduce((a, b) => a + b, 0);
    }),
    fcParams('grid #1', 100),
  );
  t.pass();
});

test('HDD: the disk with most free space that fits; a node without HDDs has none', (t) => {
  const twoDisks = customTemplate('two-hdds', 16 * GiB, [1e12], [500, 800]);
  const { grid } = setup(oneFarm([{ template: 'two-hdds', count: 1 }, { template: 'diy-small', count: 1 }]), { profiles: catalogWith(twoDisks) });
  t.is(grid.reserveHdd(0, 400), 1); // free 500, 400
  t.is(grid.reserveHdd(0, 400), 0); // free 100, 400
  t.is(grid.reserveHdd(0, 401), -1);
  t.is(grid.free(0).hruBytes, 500);
  grid.releaseHdd(0, 1, 400);
  t.is(grid.reserveHdd(0, 800), 1);
  t.is(grid.reserveHdd(1, 1), -1);
  t.is(grid.total(1).hruBytes, 0);
});

test('a failed SSD model takes no new reservations', (t) => {
  const { grid } = setup(oneFarm([{ template: 'farmer-server', count: 1 }]));
  grid.ssd(0, 0).fail();
  t.is(grid.reserveSsd(0, 1), 1);
  t.is(grid.reserveSsd(0, 1), 1);
  grid.ssd(0, 1).fail();
  t.is(grid.reserveSsd(0, 1), -1);
});

test('IPv4: deterministic addresses per farm, exhaustion gives null, a release is reused', (t) => {
  const spec = {
    farms: [
      { name: 'a', publicIpv4Count: 2, nodes: [{ template: 'diy-small', count: 2 }] },
      { name: 'b', publicIpv4Count: 3, nodes: [{ template: 'diy-small', count: 1 }] },
    ],
  };
  const { grid } = setup(spec);
  t.deepEqual([grid.farmOf(0), grid.farmOf(1), grid.farmOf(2)], [0, 0, 1]);
  t.is(grid.reserveIpv4(0), '185.0.0.1');
  t.is(grid.reserveIpv4(1), '185.0.0.2'); // nodes of one farm share its pool
  t.is(grid.reserveIpv4(1), null);
  t.is(grid.free(0).ipv4, 0);
  t.is(grid.total(0).ipv4, 2);
  t.is(grid.reserveIpv4(2), '185.0.0.3'); // farm b's block follows farm a's
  grid.releaseIpv4(0, '185.0.0.1');
  t.is(grid.reserveIpv4(1), '185.0.0.1');
  t.throws(() => grid.releaseIpv4(2, '185.0.0.1'), { message: /not a reserved address of this farm/ });
  t.throws(() => grid.releaseIpv4(2, '185.0.0.4'), { message: /not a reserved address/ });
  t.throws(() => grid.releaseIpv4(2, 'bogus'), { message: /not a reserved address/ });
  t.deepEqual(grid.farms.nodesOf(1), { firstNode: 2, nodeCount: 1 });
});

test('totals of a farmer-server: 32 threads, 256 GiB, 2 TB of SSD, 72 TB of HDD', (t) => {
  const { grid } = setup(oneFarm([{ template: 'farmer-server', count: 1 }], 5));
  t.deepEqual(grid.total(0), { cru: 32, mruBytes: 256 * GiB, sruBytes: 2e12, hruBytes: 72e12, ipv4: 5 });
  // CPU is not checked by zos: free cru stays the thread count; memory loses the 25.6 GiB reserve.
  t.deepEqual(grid.free(0), { cru: 32, mruBytes: 256 * GiB - Math.floor((256 * GiB) / 10), sruBytes: 2e12, hruBytes: 72e12, ipv4: 5 });
});

test('devices are created on first use, once; a node never asked has none', (t) => {
  const { grid } = setup(oneFarm([{ template: 'farmer-server', count: 3 }]));
  t.is(grid.deviceModelCount, 0);
  const ssd = grid.ssd(1, 1);
  t.is(grid.ssd(1, 1), ssd);
  t.is(grid.hdd(1, 3).name, 'node-1.hdd.3');
  t.is(grid.cpu(1), grid.cpu(1));
  t.is(grid.deviceModelCount, 3);
  t.is(grid.devicesOf(1).length, 3);
  t.deepEqual(grid.devicesOf(0), []);
  t.deepEqual(grid.devicesOf(2), []);
  t.throws(() => grid.ssd(1, 2), { message: /has no ssd 2/ });
  t.throws(() => grid.hdd(3, 0), { message: /no node 3/ });
});

test('device streams depend on the node and slot, not on creation order', (t) => {
  const spec = oneFarm([{ template: 'farmer-server', count: 4 }]);
  const a = setup(spec, {}, 'seed').grid;
  const b = setup(spec, {}, 'seed').grid;
  const first = [a.ssd(0, 0), a.hdd(3, 2), a.ssd(2, 1)].map((d) => d.failureTimeS);
  const reversed = [b.ssd(2, 1), b.hdd(3, 2), b.ssd(0, 0)].map((d) => d.failureTimeS).reverse();
  t.deepEqual(first, reversed);
  t.not(first[0], first[2]);
  t.not(setup(spec, {}, 'other').grid.ssd(0, 0).failureTimeS, first[0]);
});

test('same spec and operations give identical tables', (t) => {
  const run = () => {
    const { grid } = setup(oneFarm([{ template: 'farmer-server', count: 5 }, { template: 'storage-heavy', count: 5 }]));
    for (let n = 0; n < 10; n++) {
      grid.reserveMemory(n, (n + 1) * GiB);
      grid.reserveSsd(n, (n + 1) * 1e11);
      grid.reserveHdd(n, (n + 1) * 1e12);
    }
    const tb = grid.table;
    return [tb.reservedMruBytes, tb.ssdFreeBytes, tb.hddFreeBytes, tb.templateIndex].map((a) => Array.from(a));
  };
  t.deepEqual(run(), run());
});
