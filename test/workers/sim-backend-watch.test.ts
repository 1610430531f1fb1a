// SimBackend's NodeWatch: it names every node whose power or free capacity changed, so a copy of the
// capacity views kept up to date from the nodes it names equals a full read after any mix of faults.
import test from 'ava';
import fc from 'fast-check';
import type { NodeCapacityView } from '../../workers/backend.js';
import type { SimBackend } from '../../workers/sim-backend.js';
import { fcParams } from '../helpers/fc-params.js';
import { bareVmDeployment, simBackend, zdbDeployment } from '../helpers/sim-backend.js';

const GiB = 2 ** 30;

type Step =
  | { readonly kind: 'zdb' | 'vm'; readonly node: number }
  | { readonly kind: 'delete'; readonly nth: number }
  | { readonly kind: 'powerOff' | 'powerOn' | 'crash' | 'repair' | 'reboot'; readonly node: number }
  | { readonly kind: 'failDisk'; readonly node: number; readonly device: 'ssd' | 'hdd' }
  | { readonly kind: 'memory'; readonly node: number; readonly gib: number }
  | { readonly kind: 'ipv4'; readonly node: number }
  | { readonly kind: 'advance'; readonly seconds: number };

// The small World has 7 nodes: 0–4 in farm-a, 5–6 (storage-heavy) in farm-b.
const node = fc.integer({ min: 0, max: 6 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('zdb' as const, 'vm' as const), node }),
  fc.record({ kind: fc.constant('delete' as const), nth: fc.nat(20) }),
  fc.record({ kind: fc.constantFrom('powerOff' as const, 'powerOn' as const, 'crash' as const, 'repair' as const, 'reboot' as const), node }),
  fc.record({ kind: fc.constant('failDisk' as const), node, device: fc.constantFrom('ssd' as const, 'hdd' as const) }),
  fc.record({ kind: fc.constant('memory' as const), node, gib: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('ipv4' as const), node }),
  fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 900 }) }),
);

/** One step; refusals (a full node, a node that is off) are part of the game, not failures. */
async function apply(backend: SimBackend, step: Step, contracts: number[]): Promise<void> {
  const { world } = backend;
  try {
    if (step.kind === 'zdb') contracts.push((await backend.createDeployment(step.node, zdbDeployment([`db${contracts.length}`]))).contractId);
    else if (step.kind === 'vm') contracts.push((await backend.createDeployment(step.node, bareVmDeployment())).contractId);
    else if (step.kind === 'delete' && contracts.length > 0) await backend.deleteDeployment(contracts.splice(step.nth % contracts.length, 1)[0]!);
    else if (step.kind === 'powerOff' || step.kind === 'powerOn' || step.kind === 'crash' || step.kind === 'repair') await backend.faults[step.kind](step.node);
    else if (step.kind === 'reboot') world.grid.reboot(step.node);
    else if (step.kind === 'failDisk') await backend.faults.failDisk(step.node, step.device, 0);
    else if (step.kind === 'memory') world.grid.reserveMemory(step.node, step.gib * GiB);
    else if (step.kind === 'ipv4') world.grid.reserveIpv4(step.node);
    else if (step.kind === 'advance') world.sim.run({ untilS: world.sim.nowS + step.seconds });
  } catch (error) {
    if (!(error instanceof Error) || /is not a function|undefined/.test(error.message)) throw error;
  }
}

test('a copy of the views refreshed from changedCapacities() equals a full read after every step', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
      const backend = simBackend();
      const watch = backend.watchNodes();
      const copy = new Map<number, NodeCapacityView>((await backend.nodeCapacities()).map((v) => [v.node, v]));
      const contracts: number[] = [];
      for (const step of steps) {
        await apply(backend, step, contracts);
        const changed = watch.changedCapacities();
        for (const view of await backend.nodeCapacities(changed)) copy.set(view.node, view);
        const full = await backend.nodeCapacities();
        // Throw rather than t.deepEqual: fast-check sees only a throw as a failure (TOOLCHAIN gotcha 8).
        for (const view of full) {
          if (JSON.stringify(copy.get(view.node)) !== JSON.stringify(view)) {
            throw new Error(`after ${JSON.stringify(step)}: node ${view.node} changed but the watch named only [${changed}]`);
          }
        }
      }
    }),
    fcParams('sim-backend-watch copy equals full read', 60),
  );
  t.pass();
});

test('changed() names exactly the nodes that went down or came back, once each, ascending', async (t) => {
  const backend = simBackend();
  const woken: number[] = [];
  const watch = backend.watchNodes((n) => woken.push(n));
  t.deepEqual(watch.changed(), []);
  await backend.faults.crash(4);
  await backend.faults.powerOff(1);
  backend.world.grid.reboot(2);
  await backend.faults.powerOn(1);
  t.deepEqual(watch.changed(), [1, 4], 'node 1 went off and on, node 4 crashed; a reboot is not a change');
  t.deepEqual(woken, [4, 1, 1], 'the listener hears each change as it happens');
  t.deepEqual(watch.changed(), [], 'each change is told once');
  await backend.faults.repair(4);
  t.deepEqual(watch.changed(), [4]);
});

test('changedCapacities() names the node reserved on, its whole farm for a public IPv4, and nothing more', async (t) => {
  const backend = simBackend();
  const watch = backend.watchNodes();
  t.deepEqual(watch.changedCapacities(), []);
  backend.world.grid.reserveMemory(3, GiB);
  backend.world.grid.reserveMemory(3, GiB);
  t.deepEqual(watch.changedCapacities(), [3]);
  t.false(backend.world.grid.reserveMemory(3, 10_000 * GiB), 'refused');
  t.deepEqual(watch.changedCapacities(), [], 'a refused reservation changes nothing');
  backend.world.grid.reserveIpv4(6);
  t.deepEqual(watch.changedCapacities(), [5, 6], 'farm-b shares its addresses between nodes 5 and 6');
  await backend.faults.failDisk(5, 'hdd', 0);
  t.deepEqual(watch.changedCapacities(), [5]);
  watch.close();
  backend.world.grid.reserveMemory(0, GiB);
  t.deepEqual(watch.changedCapacities(), [], 'a closed watch tells nothing');
});

test('nodeCapacities(nodes) answers those nodes in the order asked, as the full read does', async (t) => {
  const backend = simBackend();
  const full = await backend.nodeCapacities();
  t.deepEqual(await backend.nodeCapacities([6, 0, 3]), [full[6], full[0], full[3]]);
  t.deepEqual(await backend.nodeCapacities([]), []);
  await t.throwsAsync(backend.nodeCapacities([7]), { message: /node 7 does not exist/ });
});
