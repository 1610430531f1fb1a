// The indexed placement agrees with a brute-force linear scan (same node, same devices) on random
// grids and request streams with reservations in between, and never places where a request does not fit.

import test from 'ava';
import fc from 'fast-check';
import { CapacityIndex } from '../../scheduler/placement/capacity-index.js';
import type { NodeCapacityRecord, PlacementRequest } from '../../scheduler/placement/capacity-record.js';
import { LinearPlacer } from '../../scheduler/placement/linear-placer.js';
import { fcParams } from '../helpers/fc-params.js';

const GiB = 2 ** 30;
const size = (max: number) => fc.integer({ min: 0, max }).map((g) => g * GiB);

const recordArb = (node: number) =>
  fc.record({
    farm: fc.integer({ min: 1, max: 4 }),
    up: fc.boolean(),
    cru: fc.integer({ min: 1, max: 16 }),
    usedVcpus: fc.integer({ min: 0, max: 40 }),
    freeMruBytes: size(16),
    ssdFreeBytes: fc.array(size(8), { maxLength: 3 }),
    hddFreeBytes: fc.array(size(8), { maxLength: 3 }),
    freeIpv4: fc.integer({ min: 0, max: 2 }),
  }).map((r): NodeCapacityRecord => ({ node, ...r }));

const gridArb = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => recordArb(i * 3 + 1))));

const requestArb: fc.Arbitrary<PlacementRequest> = fc.record({
  mruBytes: size(8),
  vcpus: fc.integer({ min: 0, max: 9 }),
  ssdBytes: fc.array(size(5), { maxLength: 2 }),
  hddBytes: fc.array(size(5), { maxLength: 2 }),
  ipv4: fc.integer({ min: 0, max: 2 }),
  excludeNodes: fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 3 }),
  excludeFarms: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 1 }),
});

const policyArb = fc.record({ cpuOvercommit: fc.constantFrom(1, 1.5, 2, 4), weight: fc.constantFrom('spread' as const, 'pack' as const) });

function fits(r: NodeCapacityRecord, q: PlacementRequest, ratio: number): boolean {
  return r.up && r.freeMruBytes >= q.mruBytes && r.usedVcpus + q.vcpus <= r.cru * ratio && r.freeIpv4 >= (q.ipv4 ?? 0);
}

test('index and linear scan choose the same node; the choice always fits', (t) => {
  fc.assert(
    fc.property(gridArb, fc.array(requestArb, { minLength: 1, maxLength: 30 }), policyArb, (grid, requests, policy) => {
      const index = new CapacityIndex(grid, policy);
      const linear = new LinearPlacer(grid, policy);
      for (const q of requests) {
        const a = index.place(q);
        const b = linear.place(q);
        if (JSON.stringify(a) !== JSON.stringify(b)) return false;
        if (a === undefined) continue;
        const r = index.record(a.node)!;
        if (!fits(r, q, policy.cpuOvercommit) || (q.excludeNodes ?? []).includes(a.node) || (q.excludeFarms ?? []).includes(r.farm)) return false;
        index.reserve(a);
        linear.reserve(b!);
        const after = index.record(a.node)!;
        if (after.ssdFreeBytes.some((f) => f < 0) || after.hddFreeBytes.some((f) => f < 0) || after.freeMruBytes < 0) return false;
      }
      return true;
    }),
    fcParams('placement-property #1', 300),
  );
  t.pass();
});

test('placeMany agrees with the linear scan, with and without distinct farms', (t) => {
  fc.assert(
    fc.property(gridArb, requestArb, policyArb, fc.integer({ min: 1, max: 5 }), fc.boolean(), (grid, q, policy, count, distinctFarms) => {
      const a = new CapacityIndex(grid, policy).placeMany(q, count, { distinctFarms });
      const b = new LinearPlacer(grid, policy).placeMany(q, count, { distinctFarms });
      if (JSON.stringify(a) !== JSON.stringify(b)) return false;
      if (a !== undefined && distinctFarms && new Set(a.map((p) => p.farm)).size !== a.length) return false;
      return a === undefined || new Set(a.map((p) => p.node)).size === a.length;
    }),
    fcParams('placement-property #2', 300),
  );
  t.pass();
});

test('incremental updates keep the index equal to one built from scratch', (t) => {
  fc.assert(
    fc.property(gridArb, gridArb, requestArb, (grid, changes, q) => {
      const index = new CapacityIndex(grid);
      const byNode = new Map(grid.map((r) => [r.node, r]));
      for (const c of changes) {
        index.upsert(c);
        byNode.set(c.node, c);
      }
      const expected = JSON.stringify(new LinearPlacer([...byNode.values()]).place(q));
      // Listing a node twice when building is the same as observing it again: the later record wins.
      return JSON.stringify(index.place(q)) === expected && JSON.stringify(new CapacityIndex([...grid, ...changes]).place(q)) === expected;
    }),
    fcParams('placement-property #3', 200),
  );
  t.pass();
});
