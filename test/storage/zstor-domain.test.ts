import test from 'ava';
import fc from 'fast-check';
import type { SimEvent } from '../../sim/engine/events.js';
import type { ProcessGenerator } from '../../sim/engine/process.js';
import { QsfsFrontend } from '../../sim/storage/zstor/frontend.js';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { fcParams } from '../helpers/fc-params.js';
import { GiB, MiB, zstorFixture, type Fixture } from '../helpers/zstor-fixture.js';

/** Runs `make()` at `atS` and records how its event ended. */
function at<T>(fx: Fixture, atS: number, make: () => SimEvent<T>): { done: boolean; ok: boolean; error?: unknown; value?: T; endS?: number } {
  const out: { done: boolean; ok: boolean; error?: unknown; value?: T; endS?: number } = { done: false, ok: false };
  fx.sim.schedule(atS - fx.sim.nowS, () => {
    make().onProcessed((ev) => {
      ev.defused = true;
      Object.assign(out, { done: true, ok: ev.ok, error: ev.error, value: ev.value, endS: fx.sim.nowS });
    });
  });
  return out;
}

function reasonOf(error: unknown): string | undefined {
  return error instanceof ZstorError ? error.reason : undefined;
}

test('DOMAIN 5.9: a lost data backend is Unknown (still read), Unreachable after 15 min, repaired by the next sweep; > m lost shards = permanent loss', (t) => {
  const fx = zstorFixture('5.9');
  fx.cluster.start();
  const stores = Array.from({ length: 6 }, (_, i) => at(fx, 1, () => fx.cluster.store(`f${i}`, 32 * MiB)));
  fx.sim.run({ untilS: 500 });
  t.true(stores.every((s) => s.ok));
  const victim = fx.cluster.record('f0')!.shards[0]!;
  const affected = [0, 1, 2, 3, 4, 5].map((i) => `f${i}`).filter((k) => fx.cluster.record(k)!.shards.includes(victim));
  const failS = 601;
  fx.sim.schedule(failS - fx.sim.nowS, () => fx.grid.hdd(victim.node, victim.disk).fail('injected'));
  fx.sim.run({ untilS: failS + 10 });
  t.is(fx.cluster.health.state(victim), 'unknown');
  const read = at(fx, fx.sim.nowS, () => fx.cluster.retrieve('f0'));
  fx.sim.run({ untilS: failS + 899 });
  t.true(read.ok, 'reads work while the backend is Unknown');
  t.is(fx.cluster.health.state(victim), 'unknown');
  t.true(affected.every((k) => !fx.cluster.fullyRedundant(k)), 'no repair while Unknown');
  const unreachableS = Math.ceil(failS / 3) * 3 + 900;
  fx.sim.run({ untilS: unreachableS });
  t.is(fx.cluster.health.state(victim), 'unreachable');
  fx.sim.run({ untilS: unreachableS + 600 + 30 });
  for (const k of affected) {
    t.true(fx.cluster.fullyRedundant(k), `${k} repaired`);
    const delayS = fx.cluster.record(k)!.repairedAtS! - unreachableS;
    t.true(delayS >= 0 && delayS <= 600 + 30, `${k} repaired ${delayS} s after Unreachable`);
  }

  // Now lose three of f1's four shards at once: more than expected − minimal.
  const f1 = fx.cluster.record('f1')!;
  const nowS = fx.sim.nowS;
  for (const b of f1.shards.slice(0, 3)) fx.grid.hdd(b.node, b.disk).fail('injected');
  fx.sim.run({ untilS: nowS + 903 + 600 + 60 });
  t.true(fx.cluster.lost.has('f1'));
  const gone = at(fx, fx.sim.nowS, () => fx.cluster.retrieve('f1'));
  fx.sim.run({ untilS: fx.sim.nowS + 300 });
  t.is(reasonOf(gone.error), 'unreadable');
});

test('DOMAIN 5.9: with fewer healthy backends than expected_shards new stores stall, then proceed when backends return', (t) => {
  const fx = zstorFixture('stall', { dataFarms: 2, nodesPerFarm: 2, policy: { dataShards: 2, totalShards: 4, redundantGroups: 0, redundantNodes: 0 } });
  fx.grid.powerOff(fx.cluster.backends[0]!.node);
  const s = at(fx, 10, () => fx.cluster.store('x', 10 * MiB));
  fx.sim.run({ untilS: 299 });
  t.false(s.done, 'the store waits');
  t.is(fx.cluster.stalledStores, 1);
  t.is(fx.cluster.stats.stalls, 1);
  fx.sim.schedule(1, () => fx.grid.powerOn(fx.cluster.backends[0]!.node));
  fx.sim.run({ untilS: 400 });
  t.true(s.ok);
  t.true(s.endS! >= 300 && s.endS! <= 300 + fx.cluster.timers.storeRetryS + 5, `stored at ${s.endS}`);
  t.is(fx.cluster.stalledStores, 0);
  t.true(fx.cluster.fullyRedundant('x'));
});

test('DOMAIN 5.11: a full namespace turns LowSpace (< 100 MiB free), is excluded from placement; too few writable → stall until capacity is added', (t) => {
  const fx = zstorFixture('5.11', { dataFarms: 2, nodesPerFarm: 3, sizeLimitBytes: 300 * MiB, policy: { dataShards: 2, totalShards: 4, redundantGroups: 0, redundantNodes: 0 } });
  const c = fx.cluster;
  const lowBefore: Set<number>[] = [];
  let stalledAt = -1;
  fx.sim.process(
    (function* (): ProcessGenerator<void> {
      for (let i = 0; i < 8; i++) {
        lowBefore.push(new Set(c.backends.filter((b) => c.health.state(b) === 'lowSpace').map((b) => b.id)));
        const done = c.store(`big${i}`, 200 * MiB);
        while (!done.processed) {
          if (c.stalledStores > 0 && stalledAt < 0) {
            stalledAt = i;
            // The operator adds namespaces (config hot reload); new stores use them.
            for (const node of [9, 10, 11, 6]) c.addBackend(node % 2, { node, disk: 3, sizeLimitBytes: 10 * GiB });
          }
          yield 5;
        }
      }
    })(),
  );
  fx.sim.run({ untilS: 3600 });
  t.true(c.backends.some((b) => c.health.state(b) === 'lowSpace'), 'some namespace filled up');
  for (let i = 0; i < 8; i++) {
    const rec = c.record(`big${i}`);
    t.truthy(rec, `big${i} stored`);
    for (const b of rec!.shards) t.false(lowBefore[i]!.has(b.id), `big${i} placed on LowSpace backend ${b.id}`);
  }
  t.true(stalledAt >= 0, 'writes stalled when too few writable backends were left');
  t.true(c.stats.stalls >= 1);
});

test('DOMAIN 5.10: one meta backend lost → stores refused, reads work; 2 lost → reads work; 3 lost → nothing retrievable but the frontend cache; swap + rebuild → 4/4', (t) => {
  const fx = zstorFixture('5.10');
  const fe = new QsfsFrontend({ sim: fx.sim, grid: fx.grid, node: fx.frontendNode, cluster: fx.cluster, prefix: 'p', segmentBytes: 8 * MiB });
  const first = at(fx, 1, () => fx.cluster.store('a', 16 * MiB));
  fx.sim.schedule(2, () => fe.write('uploaded.bin', 8 * MiB));
  fx.sim.run({ untilS: 100 });
  t.true(first.ok);
  t.is(fe.fileState('uploaded.bin'), 'uploaded');
  const metaOf = (i: number) => fx.cluster.meta.backendList[i]!;
  fx.grid.powerOff(metaOf(0).node);
  const refused = at(fx, 110, () => fx.cluster.store('b', 16 * MiB));
  const read1 = at(fx, 110, () => fx.cluster.retrieve('a'));
  fx.sim.run({ untilS: 200 });
  t.is(reasonOf(refused.error), 'metaDegraded');
  t.true(read1.ok);
  fx.grid.powerOff(metaOf(1).node);
  const read2 = at(fx, 210, () => fx.cluster.retrieve('a'));
  fx.sim.run({ untilS: 300 });
  t.true(read2.ok, 'reads need only 2 of 4');
  fx.sim.schedule(0, () => fe.write('cached.bin', 1 * MiB));
  fx.grid.powerOff(metaOf(2).node);
  const read3 = at(fx, 310, () => fx.cluster.retrieve('a'));
  const fromCache = at(fx, 310, () => fe.read('cached.bin'));
  fx.sim.run({ untilS: 400 });
  t.is(reasonOf(read3.error), 'metaUnreadable');
  t.true(fromCache.ok, 'data still in the frontend cache is readable');

  // Recovery: bring two back (3/4 up), the operator swaps the dead one; a rebuild restores 4/4.
  fx.grid.powerOn(metaOf(1).node);
  fx.grid.powerOn(metaOf(2).node);
  fx.grid.hdd(metaOf(0).node, metaOf(0).disk).fail('injected');
  fx.grid.powerOn(metaOf(0).node);
  t.false(fx.cluster.meta.writable);
  const fresh = fx.cluster.makeBackend({ node: fx.frontendNode + 1, disk: 2, sizeLimitBytes: 25 * GiB }, -1);
  const rebuild = at(fx, 410, () => fx.cluster.meta.replaceBackend(0, fresh));
  const during = at(fx, 410, () => fx.cluster.store('c', MiB));
  fx.sim.run({ untilS: 500 });
  t.true(rebuild.ok);
  t.is(reasonOf(during.error), 'metaDegraded', 'the metastore is read-only during the rebuild');
  t.is(fx.cluster.meta.reachableCount, 4);
  const after = at(fx, 510, () => fx.cluster.store('d', MiB));
  fx.sim.run({ untilS: 600 });
  t.true(after.ok);
});

test('PROPERTY DOMAIN 5.12: a dead frontend loses only files written within the last rotation interval + upload time; the rest is recoverable', (t) => {
  let lostTotal = 0;
  fc.assert(
    fc.property(
      fc.array(fc.record({ atS: fc.integer({ min: 0, max: 7200 }), sizeMiB: fc.integer({ min: 1, max: 24 }) }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1800, max: 7200 }),
      fc.integer(),
      (writes, killS, seed) => {
        const fx = zstorFixture(seed);
        fx.cluster.start();
        const fe = new QsfsFrontend({ sim: fx.sim, grid: fx.grid, node: fx.frontendNode, cluster: fx.cluster, prefix: 'p', segmentBytes: 64 * MiB });
        const writtenAtS = new Map<string, number>();
        writes.forEach((w, i) => {
          if (w.atS >= killS) return;
          fx.sim.schedule(w.atS, () => {
            fe.write(`file-${i}`, w.sizeMiB * MiB);
            writtenAtS.set(`file-${i}`, fx.sim.nowS);
          });
        });
        fx.sim.schedule(killS, () => fx.grid.powerOff(fx.frontendNode));
        fx.sim.run({ untilS: killS + 3600 });
        const windowS = fe.rotateS + fe.maxUploadS;
        const lost = fe.files().filter((f) => fe.fileState(f) === 'lost');
        lostTotal += lost.length;
        for (const f of lost) if (writtenAtS.get(f)! < killS - windowS) throw new Error(`${f} written at ${writtenAtS.get(f)} s lost by a kill at ${killS} s (window ${windowS} s)`);
        for (const f of fe.files()) if (fe.fileState(f) === 'cached') throw new Error(`${f} still cached on a dead frontend`);
        const again = fe.redeploy(fx.frontendNode + 1);
        const reads = again.files().map((f) => [f, again.read(f)] as const);
        for (const [, ev] of reads) ev.onProcessed((e) => void (e.ok || (e.defused = true)));
        fx.sim.run({ untilS: fx.sim.nowS + 600 });
        for (const [f, ev] of reads) if (!(ev.processed && ev.ok)) throw new Error(`${f} not recoverable after redeploy`);
        if (again.files().length + lost.length !== fe.files().length) throw new Error('files neither lost nor recoverable');
      },
    ),
    fcParams('qsfs-frontend-loss', 40),
  );
  t.true(lostTotal > 0, 'some runs lost their cache window');
});
