import test from 'ava';
import fc from 'fast-check';
import type { ProcessGenerator } from '../../sim/engine/process.js';
import type { Simulation } from '../../sim/engine/simulation.js';
import type { ZstorCluster } from '../../sim/storage/zstor/cluster.js';
import { fcParams } from '../helpers/fc-params.js';
import { MiB, quantumd, zstorFixture, type Fixture } from '../helpers/zstor-fixture.js';

const m = quantumd.totalShards - quantumd.dataShards;

function storeAt(sim: Simulation, cluster: ZstorCluster, key: string, atS: number, sizeBytes: number, stored: string[]): void {
  sim.process(
    (function* (): ProcessGenerator<void> {
      yield atS;
      yield cluster.store(key, sizeBytes);
      stored.push(key);
    })(),
  );
}

/** Applies a backend failure: its disk dies for good, its node goes off for good, or the node flaps. */
function failAt(fx: Fixture, backend: number, atS: number, kind: 'disk' | 'power' | 'flap', downS: number): void {
  const b = fx.cluster.backends[backend]!;
  fx.sim.schedule(atS, () => {
    if (kind === 'disk') fx.grid.hdd(b.node, b.disk).fail('injected');
    else fx.grid.powerOff(b.node);
    if (kind === 'flap') fx.sim.schedule(downS, () => fx.grid.powerOn(b.node));
  });
}

function retrieveAll(fx: Fixture, keys: readonly string[]): string[] {
  const events = keys.map((k) => [k, fx.cluster.retrieve(k)] as const);
  for (const [, ev] of events) ev.onProcessed((e) => void (e.ok || (e.defused = true)));
  fx.sim.run({ untilS: fx.sim.nowS + 600 });
  return events.filter(([, ev]) => !(ev.processed && ev.ok)).map(([k]) => k);
}

const objectArb = fc.array(fc.record({ atS: fc.integer({ min: 0, max: 3600 }), sizeMiB: fc.integer({ min: 1, max: 64 }) }), { minLength: 1, maxLength: 8 });
const failureArb = (min: number, kinds: readonly ('disk' | 'power' | 'flap')[], maxAtS: number) =>
  fc.uniqueArray(
    fc.record({ backend: fc.integer({ min: 0, max: 15 }), atS: fc.integer({ min: 0, max: maxAtS }), kind: fc.constantFrom(...kinds), downS: fc.integer({ min: 60, max: 7200 }) }),
    { selector: (f) => f.backend, minLength: min, maxLength: m },
  );

test('PROPERTY zstor loses no object while at most m of its backends have failed', (t) => {
  fc.assert(
    fc.property(objectArb, failureArb(0, ['disk', 'power', 'flap'], 3600), fc.integer(), (objects, failures, seed) => {
      const fx = zstorFixture(seed);
      fx.cluster.start();
      const stored: string[] = [];
      objects.forEach((o, i) => storeAt(fx.sim, fx.cluster, `obj-${i}`, o.atS, o.sizeMiB * MiB, stored));
      for (const f of failures) failAt(fx, f.backend, f.atS, f.kind, f.downS);
      // Safety is checked all along, not only at the end: every stored object stays readable.
      const check = (): void => {
        for (const key of stored) if (!fx.cluster.readable(key)) throw new Error(`${key} unreadable at ${fx.sim.nowS} s (margin ${fx.cluster.marginOf(fx.cluster.record(key)!)})`);
        if (fx.sim.nowS < 4 * 3600) fx.sim.schedule(60, check);
      };
      fx.sim.schedule(0, check);
      fx.sim.run({ untilS: 4 * 3600 });
      if (stored.length !== objects.length) throw new Error(`${objects.length - stored.length} stores never finished`);
      const failed = retrieveAll(fx, stored);
      if (failed.length > 0) throw new Error(`retrieve failed for ${failed.join(', ')}`);
      if (fx.cluster.lost.size > 0) throw new Error(`lost ${[...fx.cluster.lost].join(', ')}`);
    }),
    fcParams('zstor-no-loss', 60),
  );
  t.pass();
});

test('PROPERTY once faults stop, the repair sweep restores full redundancy within 3 s + 15 min + 10 min + IO', (t) => {
  const ioSlackS = 60;
  let repairs = 0;
  fc.assert(
    fc.property(objectArb, failureArb(1, ['disk', 'power'], 1800), fc.integer(), (objects, failures, seed) => {
      const fx = zstorFixture(seed);
      const { timers } = fx.cluster;
      fx.cluster.start();
      const stored: string[] = [];
      objects.forEach((o, i) => storeAt(fx.sim, fx.cluster, `obj-${i}`, Math.floor(o.atS / 6), o.sizeMiB * MiB, stored));
      for (const f of failures) failAt(fx, f.backend, f.atS, f.kind, f.downS);
      const lastFaultS = Math.max(...failures.map((f) => f.atS), ...objects.map((o) => Math.floor(o.atS / 6)));
      const firstFaultS = Math.min(...failures.map((f) => f.atS));
      const boundS = lastFaultS + timers.healthPollS + timers.unreachableAfterS + timers.repairSweepS + ioSlackS;
      fx.sim.run({ untilS: boundS });
      for (const key of stored) {
        if (!fx.cluster.fullyRedundant(key)) throw new Error(`${key} not fully redundant at ${boundS} s: ${fx.cluster.record(key)!.shards.map((b) => `${b.id}:${fx.cluster.health.state(b)}`).join(' ')}`);
        const repairedAtS = fx.cluster.record(key)!.repairedAtS;
        // zstor must not repair while the backend is only Unknown (still counted readable).
        if (repairedAtS !== undefined && repairedAtS < firstFaultS + timers.unreachableAfterS) throw new Error(`${key} repaired at ${repairedAtS} s, before any backend was Unreachable`);
      }
      if (stored.length !== objects.length) throw new Error('a store never finished');
      repairs += fx.cluster.stats.repairedObjects;
    }),
    fcParams('zstor-repair-bound', 60),
  );
  t.true(repairs > 20, `only ${repairs} repairs happened over all runs`);
});

test('every store places shards that satisfy the group rules and uses only Healthy backends', (t) => {
  const fx = zstorFixture('rules', { policy: { dataShards: 3, totalShards: 8, redundantGroups: 1, redundantNodes: 1 } });
  const stored: string[] = [];
  for (let i = 0; i < 20; i++) storeAt(fx.sim, fx.cluster, `o${i}`, i * 10, 8 * MiB, stored);
  fx.sim.schedule(55, () => fx.grid.powerOff(fx.cluster.backends[0]!.node));
  fx.sim.run({ untilS: 1000 });
  t.is(stored.length, 20);
  for (const key of stored) {
    const rec = fx.cluster.record(key)!;
    t.is(new Set(rec.shards).size, 8);
    t.true(fx.cluster.fullyRedundant(key) || rec.shards.includes(fx.cluster.backends[0]!), key);
    if (rec.storedAtS > 60) t.false(rec.shards.includes(fx.cluster.backends[0]!), `${key} placed on a down backend`);
  }
});

test('health is derived lazily: Healthy → (next 3 s poll) Unknown → 15 min later Unreachable → back on: Healthy', (t) => {
  const fx = zstorFixture('health');
  const b = fx.cluster.backends[3]!;
  fx.sim.schedule(100, () => fx.grid.powerOff(b.node));
  const seen: [number, string][] = [];
  for (const at of [99, 101, 102, 103, 102 + 899, 102 + 900, 2000]) fx.sim.schedule(at, () => seen.push([at, fx.cluster.health.state(b)]));
  fx.sim.schedule(1999, () => fx.grid.powerOn(b.node));
  fx.sim.run();
  t.deepEqual(seen, [
    [99, 'healthy'],
    [101, 'healthy'],
    [102, 'unknown'],
    [103, 'unknown'],
    [1001, 'unknown'],
    [1002, 'unreachable'],
    [2000, 'healthy'],
  ]);
  t.is(fx.sim.pendingCount, 0, 'no per-backend poll ticks were scheduled');
});

test('same seed ⇒ same placements, repairs and times (determinism)', (t) => {
  const trace = (seed: string): string => {
    const fx = zstorFixture(seed);
    fx.cluster.start();
    const stored: string[] = [];
    for (let i = 0; i < 6; i++) storeAt(fx.sim, fx.cluster, `o${i}`, i * 7, (i + 1) * MiB, stored);
    failAt(fx, 5, 100, 'disk', 0);
    fx.sim.run({ untilS: 3600 });
    return stored.map((k) => { const r = fx.cluster.record(k)!; return `${k}@${r.storedAtS}/${r.repairedAtS}:${r.shards.map((b) => b.id).join(',')}`; }).join(' ');
  };
  t.is(trace('det'), trace('det'));
  t.not(trace('det'), trace('other'));
});
