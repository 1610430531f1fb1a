// The provision engine on the real Grid: memory admission through the node table, power events from
// PowerControl, public IPv4s from the farm pool. Leaves out device models (the managers here touch none).

import test from 'ava';
import { RngStreams } from '../../sim/engine/rng.js';
import { basicManagers } from '../../sim/grid/provision/basic-managers.js';
import { ProvisionService } from '../../sim/grid/provision/service.js';
import { catalogWith, customTemplate, oneFarm, setup } from './grid-helpers.js';
import { GiB, doc, net, pubIp, scriptedManagers, vm, type ManagerScript } from './provision-fixtures.js';

function realBed(publicIpv4Count = 4) {
  const profiles = catalogWith(customTemplate('ram-16g', 16 * GiB));
  const { sim, grid } = setup(oneFarm([{ template: 'ram-16g', count: 1 }], publicIpv4Count), { profiles, armDeviceFailures: false });
  const script: ManagerScript = { calls: [], fail: new Set(), durationS: 1, existing: new Set(), creations: 0 };
  const service = new ProvisionService({ sim, grid, managers: { ...scriptedManagers(script), ...basicManagers() }, rngs: new RngStreams(1) });
  const states = (contractId: number): string[] => service.deployment(0, contractId)!.workloads.map((w) => `${w.name}:${w.result!.state}`);
  return { sim, grid, service, states };
}

test('zos#1960 on the real grid: VMs filling RAM fail to come back when the boot-time measurement is high', (t) => {
  const { sim, grid, service, states } = realBed();
  service.deploy(0, doc(1, [net(), vm('vm1', 7 * GiB), vm('vm2', 7 * GiB)]));
  sim.run();
  t.deepEqual(states(1), ['net:ok', 'vm1:ok', 'vm2:ok']);
  t.is(grid.free(0).mruBytes, 0);
  grid.powerOff(0);
  t.is(grid.free(0).mruBytes, 14 * GiB, 'a node that is off holds no VM memory');
  grid.setActualMemoryUsed(0, 10 * GiB); // measured at boot, before the VMs are back
  grid.powerOn(0);
  sim.run();
  t.deepEqual(states(1), ['net:ok', 'vm1:error', 'vm2:error']);
  t.is(service.workloadState(0, 1, 'vm1')!.message, 'cannot fulfil required memory');
});

test('a reboot on the real grid re-admits the same memory and keeps every VM', (t) => {
  const { sim, grid, service, states } = realBed();
  service.deploy(0, doc(1, [net(), vm('vm1', 7 * GiB), vm('vm2', 7 * GiB)]));
  sim.run();
  grid.reboot(0);
  sim.run();
  t.deepEqual(states(1), ['net:ok', 'vm1:ok', 'vm2:ok']);
  t.is(grid.free(0).mruBytes, 0);
});

test('public IPv4s come from the farm pool of the real grid', (t) => {
  const { sim, grid, service, states } = realBed(1);
  service.deploy(0, doc(1, [net(), pubIp('ip1'), pubIp('ip2')]));
  sim.run();
  t.deepEqual(states(1), ['net:ok', 'ip1:ok', 'ip2:error']);
  t.is(grid.free(0).ipv4, 0);
  service.cancel(0, 1);
  sim.run();
  t.is(grid.free(0).ipv4, 1);
});
