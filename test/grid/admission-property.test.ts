// PROPERTY: whatever the sequence of deployments, cancellations and reboots, the memory held by
// running VMs on a node never exceeds total − reserve (zos admission, DOMAIN 2.5). Seeds print on failure.
import test from 'ava';
import fc from 'fast-check';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { memoryReserveBytes } from '../../sim/grid/capacity.js';
import { exampleFlistUrl, fixedExample, smallWorld } from '../helpers/world.js';
import { fcParams } from '../helpers/fc-params.js';

const GiB = 2 ** 30;
const nodes = [0, 3, 5]; // a farmer server, a small DIY node, a storage node

function vmDeployment(memoryGiB: number, vms: number): Deployment {
  const net = fixedExample().workloads.find((w) => w.type === 'network')!;
  const machine = (i: number): Workload =>
    ({
      version: 0,
      name: `vm${i}`,
      type: 'zmachine',
      metadata: '',
      description: '',
      data: { flist: exampleFlistUrl, size: 0, entrypoint: '/sbin/zinit init', compute_capacity: { cpu: 1, memory: memoryGiB * GiB }, mounts: [], network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: '10.240.1.5' }] }, env: {} },
    }) as unknown as Workload;
  return { version: 0, twin_id: 9, contract_id: 0, metadata: '', description: '', workloads: [net, ...Array.from({ length: vms }, (_, i) => machine(i))] };
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('deploy' as const), node: fc.constantFrom(...nodes), memoryGiB: fc.integer({ min: 1, max: 160 }), vms: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('reboot' as const), node: fc.constantFrom(...nodes) }),
);

test('PROPERTY admission never over-commits memory, across cancellations and reboots', (t) => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
      const world = smallWorld();
      const live: Array<[number, number]> = [];
      for (const o of ops) {
        if (o.kind === 'deploy') live.push([o.node, world.deploy(o.node, vmDeployment(o.memoryGiB, o.vms))]);
        else if (o.kind === 'reboot') world.grid.reboot(o.node);
        else if (live.length > 0) world.cancel(live.splice(o.pick % live.length, 1)[0]![1]);
        world.sim.run({ untilS: world.sim.nowS + 120 });
        for (const node of nodes) {
          let heldBytes = 0;
          for (const id of world.provision.contractIds(node)) {
            for (const w of world.provision.deployment(node, id)!.workloads) {
              const state = w.result?.state;
              if (w.type === 'zmachine' && (state === 'ok' || state === 'paused' || state === 'unchanged')) {
                heldBytes += (w.data as { compute_capacity: { memory: number } }).compute_capacity.memory;
              }
            }
          }
          const total = world.grid.total(node).mruBytes;
          if (heldBytes > total - memoryReserveBytes(total)) throw new Error(`node ${node}: ${heldBytes} B held of ${total} B`);
        }
      }
    }),
    fcParams('admission-property #1', 40),
  );
  t.pass();
});
