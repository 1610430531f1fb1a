import test from 'ava';
import fc from 'fast-check';
import type { SimEvent } from '../../sim/engine/events.js';
import { Zdisk } from '../../sim/storage/zdisk.js';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { makeGrid, type FakeGrid } from '../helpers/fake-grid.js';
import { fcParams } from '../helpers/fc-params.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Host on node 0, columns on nodes 1..k+m, spares after them. */
function setup(seed: number | string, k = 4, m = 2, spares = 3) {
  const { sim, grid } = makeGrid(seed, { farms: 3, nodesPerFarm: 4 });
  const spec = (node: number) => ({ node, disk: 0, sizeLimitBytes: 100 * GiB });
  const disk = new Zdisk({
    sim,
    grid,
    hostNode: 0,
    sizeBytes: 1 * GiB,
    dataShards: k,
    parityShards: m,
    backends: Array.from({ length: k + m }, (_, i) => spec(1 + i)),
    spares: Array.from({ length: spares }, (_, i) => spec(1 + k + m + i)),
  });
  return { sim, grid, disk };
}

function track<T>(ev: SimEvent<T>): { done: boolean; ok: boolean; error?: unknown } {
  const out: { done: boolean; ok: boolean; error?: unknown } = { done: false, ok: false };
  ev.onProcessed((e) => {
    e.defused = true;
    Object.assign(out, { done: true, ok: e.ok, error: e.error });
  });
  return out;
}

function killColumn(grid: FakeGrid, disk: Zdisk, column: number, kind: 'disk' | 'power'): void {
  const b = disk.columns[column]!;
  if (kind === 'disk') grid.hdd(b.node, b.disk).fail('injected');
  else grid.powerOff(b.node);
}

test('zdisk serves reads and writes with m backends lost, rebuilds onto spares, and fails beyond m', (t) => {
  const { sim, grid, disk } = setup('zdisk');
  const w = track(disk.write(0, 64 * MiB));
  sim.run({ untilS: 10 });
  t.true(w.ok);
  killColumn(grid, disk, 0, 'disk');
  killColumn(grid, disk, 3, 'power');
  const r = track(disk.read(0, 64 * MiB));
  const w2 = track(disk.write(32 * MiB, 8 * MiB));
  sim.run({ untilS: 20 });
  t.true(r.ok, 'read with m columns down');
  t.true(w2.ok, 'write with m columns down');
  t.true(disk.stats.degradedWrites > 0);
  t.false(disk.fullyRedundant);
  sim.run({ untilS: 20 + disk.replaceAfterS + 120 });
  t.is(disk.stats.replacedColumns, 2);
  t.true(disk.fullyRedundant, `still ${disk.staleShards} stale shards`);
  t.true(disk.columns.every((c) => c.node !== 0));
  // Beyond m: three columns at once.
  for (const c of [1, 2, 4]) killColumn(grid, disk, c, 'disk');
  const r2 = track(disk.read(0, 4 * MiB));
  sim.run({ untilS: sim.nowS + 10 });
  t.true(r2.error instanceof ZstorError && r2.error.reason === 'unreadable');
});

test('a short outage (below replaceAfterS) is resynced in place, not replaced', (t) => {
  const { sim, grid, disk } = setup('flap');
  track(disk.write(0, 16 * MiB));
  sim.run({ untilS: 5 });
  killColumn(grid, disk, 2, 'power');
  const w = track(disk.write(0, 16 * MiB));
  sim.run({ untilS: 30 });
  t.true(w.ok);
  t.true(disk.staleShards > 0);
  grid.powerOn(disk.columns[2]!.node);
  sim.run({ untilS: 200 });
  t.is(disk.stats.replacedColumns, 0);
  t.true(disk.fullyRedundant);
});

test('zdisk refuses backends on the zmachine\'s own node or sharing a node', (t) => {
  const { sim, grid } = makeGrid(1, { farms: 1, nodesPerFarm: 8 });
  const spec = (node: number) => ({ node, disk: 0, sizeLimitBytes: GiB });
  t.throws(() => new Zdisk({ sim, grid, hostNode: 1, sizeBytes: GiB, dataShards: 2, parityShards: 1, backends: [spec(1), spec(2), spec(3)] }));
  t.throws(() => new Zdisk({ sim, grid, hostNode: 0, sizeBytes: GiB, dataShards: 2, parityShards: 1, backends: [spec(2), spec(2), spec(3)] }));
});

test('PROPERTY zdisk: every IO succeeds with at most m columns lost at any time, and full redundancy returns after faults stop', (t) => {
  const opArb = fc.record({ atS: fc.integer({ min: 0, max: 600 }), write: fc.boolean(), stripe: fc.integer({ min: 0, max: 63 }), stripes: fc.integer({ min: 1, max: 4 }) });
  const faultArb = fc.uniqueArray(fc.record({ column: fc.integer({ min: 0, max: 5 }), atS: fc.integer({ min: 0, max: 600 }), kind: fc.constantFrom('disk' as const, 'power' as const), downS: fc.integer({ min: 5, max: 300 }) }), { selector: (f) => f.column, maxLength: 2 });
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), faultArb, fc.integer(), (ops, faults, seed) => {
      const { sim, grid, disk } = setup(seed);
      const results: { done: boolean; ok: boolean; error?: unknown }[] = [];
      for (const op of ops) {
        sim.schedule(op.atS, () => {
          const offset = op.stripe * disk.stripeBytes;
          const size = Math.min(op.stripes * disk.stripeBytes, disk.sizeBytes - offset);
          results.push(track(op.write ? disk.write(offset, size) : disk.read(offset, size)));
        });
      }
      for (const f of faults) {
        sim.schedule(f.atS, () => {
          const b = disk.columns[f.column]!;
          if (f.kind === 'disk') grid.hdd(b.node, b.disk).fail('injected');
          else {
            grid.powerOff(b.node);
            sim.schedule(f.downS, () => grid.powerOn(b.node));
          }
        });
      }
      sim.run({ untilS: 600 + 300 + disk.replaceAfterS + 600 });
      for (const r of results) if (!r.ok) throw new Error(`an IO failed: ${String(r.error)}`);
      if (!disk.fullyRedundant) throw new Error(`${disk.staleShards} stale shards left`);
    }),
    fcParams('zdisk-m-lost', 30),
  );
  t.pass();
});
