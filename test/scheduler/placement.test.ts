// Placement filters one at a time: memory net of the zos reserve, SSD and HDD without overcommit,
// IPv4, the CPU overcommit ratio, down nodes, exclusions, distinct farms, and the two weights.

import test from 'ava';
import { CapacityIndex } from '../../scheduler/placement/capacity-index.js';
import { memoryReserveBytes, zosFreeMemoryBytes, type NodeCapacityRecord } from '../../scheduler/placement/capacity-record.js';
import { deploymentNeeds } from '../../scheduler/placement/deployment-needs.js';

const GiB = 2 ** 30;

function rec(node: number, over: Partial<NodeCapacityRecord> = {}): NodeCapacityRecord {
  return { node, farm: node, up: true, cru: 8, usedVcpus: 0, freeMruBytes: 16 * GiB, ssdFreeBytes: [500 * GiB], hddFreeBytes: [], freeIpv4: 0, ...over };
}

test('memory: the zos reserve max(10 %, 2 GiB) is taken before a request is compared', (t) => {
  t.is(memoryReserveBytes(8 * GiB), 2 * GiB);
  t.is(memoryReserveBytes(64 * GiB), Math.floor((64 * GiB) / 10));
  const free = zosFreeMemoryBytes(8 * GiB, 4 * GiB);
  t.is(free, 2 * GiB);
  // "actual used" above the theoretical figure wins, as in zos.
  t.is(zosFreeMemoryBytes(8 * GiB, 0, 7 * GiB), 1 * GiB);
  const index = new CapacityIndex([rec(1, { freeMruBytes: free })]);
  t.is(index.place({ mruBytes: 2 * GiB, vcpus: 1 })?.node, 1);
  t.is(index.place({ mruBytes: 2 * GiB + 1, vcpus: 1 }), undefined);
});

test('SSD: a zmount fits one pool; pools are never summed or overcommitted', (t) => {
  const index = new CapacityIndex([rec(1, { ssdFreeBytes: [100 * GiB, 100 * GiB] }), rec(2, { ssdFreeBytes: [150 * GiB], freeMruBytes: 1 * GiB })]);
  t.is(index.place({ mruBytes: 0, vcpus: 0, ssdBytes: [150 * GiB] })?.node, 2);
  t.is(index.place({ mruBytes: 0, vcpus: 0, ssdBytes: [151 * GiB] }), undefined);
  const two = index.place({ mruBytes: 0, vcpus: 0, ssdBytes: [100 * GiB, 100 * GiB] });
  t.deepEqual([two?.node, two?.ssdPools], [1, [0, 1]]);
  index.reserve(two!);
  t.deepEqual(index.record(1)?.ssdFreeBytes, [0, 0]);
  t.is(index.place({ mruBytes: 0, vcpus: 0, ssdBytes: [1 * GiB, 150 * GiB] }), undefined);
});

test('HDD: a zdb fits one disk', (t) => {
  const index = new CapacityIndex([rec(1), rec(2, { hddFreeBytes: [4000 * GiB, 2000 * GiB], freeMruBytes: 1 * GiB })]);
  const p = index.place({ mruBytes: 0, vcpus: 0, hddBytes: [3000 * GiB, 1500 * GiB] });
  t.deepEqual([p?.node, p?.hddDisks], [2, [0, 1]]);
  t.is(index.place({ mruBytes: 0, vcpus: 0, hddBytes: [5000 * GiB] }), undefined);
});

test('IPv4: the node must have as many free public addresses as asked', (t) => {
  const index = new CapacityIndex([rec(1, { freeIpv4: 1, freeMruBytes: 1 * GiB }), rec(2, { freeIpv4: 0 })]);
  t.is(index.place({ mruBytes: 0, vcpus: 0, ipv4: 1 })?.node, 1);
  t.is(index.place({ mruBytes: 0, vcpus: 0, ipv4: 2 }), undefined);
});

test('CPU: usedVcpus + vcpus ≤ cru × ratio, at 1× and at 4×', (t) => {
  const records = [rec(1, { cru: 4, usedVcpus: 2 })];
  t.is(new CapacityIndex(records, { cpuOvercommit: 1 }).place({ mruBytes: 0, vcpus: 3 }), undefined);
  t.is(new CapacityIndex(records, { cpuOvercommit: 1 }).place({ mruBytes: 0, vcpus: 2 })?.node, 1);
  t.is(new CapacityIndex(records, { cpuOvercommit: 4 }).place({ mruBytes: 0, vcpus: 14 })?.node, 1);
  t.is(new CapacityIndex(records, { cpuOvercommit: 4 }).place({ mruBytes: 0, vcpus: 15 }), undefined);
  t.throws(() => new CapacityIndex(records, { cpuOvercommit: 5 }), { instanceOf: RangeError });
});

test('down nodes are skipped, and an up observation brings them back', (t) => {
  const index = new CapacityIndex([rec(1, { up: false, freeMruBytes: 64 * GiB }), rec(2)]);
  t.is(index.place({ mruBytes: GiB, vcpus: 1 })?.node, 2);
  index.setUp(1, true);
  t.is(index.place({ mruBytes: GiB, vcpus: 1 })?.node, 1);
});

test('exclusions by node and by farm', (t) => {
  const index = new CapacityIndex([rec(1, { freeMruBytes: 64 * GiB }), rec(2, { farm: 7, freeMruBytes: 32 * GiB }), rec(3, { farm: 7 })]);
  t.is(index.place({ mruBytes: GiB, vcpus: 1, excludeNodes: [1] })?.node, 2);
  t.is(index.place({ mruBytes: GiB, vcpus: 1, excludeNodes: [1], excludeFarms: [7] }), undefined);
  // The exclusion is undone after the query.
  t.is(index.place({ mruBytes: GiB, vcpus: 1 })?.node, 1);
});

test('placeMany with distinctFarms puts each backend in another farm', (t) => {
  const records = [1, 2, 3, 4, 5, 6].map((n) => rec(n, { farm: Math.ceil(n / 2), hddFreeBytes: [1000 * GiB], freeMruBytes: (10 - n) * GiB }));
  const index = new CapacityIndex(records);
  const spread = index.placeMany({ mruBytes: 0, vcpus: 0, hddBytes: [100 * GiB] }, 3, { distinctFarms: true });
  t.deepEqual(spread?.map((p) => p.node), [1, 3, 5]);
  t.is(index.placeMany({ mruBytes: 0, vcpus: 0, hddBytes: [100 * GiB] }, 4, { distinctFarms: true }), undefined);
  t.deepEqual(index.placeMany({ mruBytes: 0, vcpus: 0, hddBytes: [100 * GiB] }, 4)?.map((p) => p.node), [1, 2, 3, 4]);
});

test('weights: spread takes the most free memory, pack the lowest id that fits; ties go to the lowest id', (t) => {
  const records = [rec(5, { freeMruBytes: 8 * GiB }), rec(2, { freeMruBytes: 32 * GiB }), rec(9, { freeMruBytes: 32 * GiB }), rec(1, { freeMruBytes: 1 * GiB })];
  t.is(new CapacityIndex(records, { weight: 'spread' }).place({ mruBytes: 2 * GiB, vcpus: 1 })?.node, 2);
  t.is(new CapacityIndex(records, { weight: 'pack' }).place({ mruBytes: 2 * GiB, vcpus: 1 })?.node, 2);
  t.is(new CapacityIndex(records, { weight: 'pack' }).place({ mruBytes: 1 * GiB, vcpus: 1 })?.node, 1);
});

test('deploymentNeeds reads zos capacity per workload type', (t) => {
  const w = (name: string, type: string, data: unknown) => ({ version: 0, name, type, data, metadata: '', description: '' });
  const needs = deploymentNeeds({
    version: 0, twin_id: 1, contract_id: 0, metadata: '', description: '',
    workloads: [
      w('vm', 'zmachine', { size: 0, compute_capacity: { cpu: 2, memory: 4 * GiB } }),
      w('disk', 'zmount', { size: 50 * GiB }),
      w('db', 'zdb', { size: 200 * GiB }),
      w('pub', 'ip', { v4: true, v6: false }),
    ],
  } as never);
  t.deepEqual(needs, { mruBytes: 4 * GiB, vcpus: 2, ssdBytes: [2 * GiB, 50 * GiB], hddBytes: [200 * GiB], ipv4: 1 });
});
