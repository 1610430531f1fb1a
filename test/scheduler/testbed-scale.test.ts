// Placement kept up to date from a NodeWatch (only the nodes it names are read again) chooses exactly
// what placement rebuilt from a full read chooses, whatever runs, fails or is held in between.
import test from 'ava';
import fc from 'fast-check';
import type { Placement, PlacementRequest } from '../../scheduler/placement/capacity-record.js';
import { deploymentNeeds } from '../../scheduler/placement/deployment-needs.js';
import { TestbedPlacement, type OwnerRead } from '../../scheduler/testbed-placement.js';
import type { Deployment } from '../../workers/operations.js';
import type { GridObserver, NodeCapacityView } from '../../workers/backend.js';
import { fcParams } from '../helpers/fc-params.js';
import { bareVmDeployment, simBackend, zdbDeployment } from '../helpers/sim-backend.js';

const GiB = 2 ** 30;
const direct: OwnerRead = (read) => read();

type Step =
  | { readonly kind: 'deploy'; readonly doc: 'zdb' | 'vm' }
  | { readonly kind: 'finish'; readonly nth: number }
  | { readonly kind: 'delete'; readonly nth: number }
  | { readonly kind: 'crash' | 'repair'; readonly node: number }
  | { readonly kind: 'memory'; readonly node: number; readonly gib: number }
  | { readonly kind: 'advance'; readonly seconds: number };

const node = fc.integer({ min: 0, max: 6 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('deploy' as const), doc: fc.constantFrom('zdb' as const, 'vm' as const) }), weight: 4 },
  fc.record({ kind: fc.constant('finish' as const), nth: fc.nat(20) }),
  fc.record({ kind: fc.constant('delete' as const), nth: fc.nat(20) }),
  fc.record({ kind: fc.constantFrom('crash' as const, 'repair' as const), node }),
  fc.record({ kind: fc.constant('memory' as const), node, gib: fc.integer({ min: 1, max: 64 }) }),
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 600 }) }), weight: 3 },
);

/** Requests whose answers show every record: memory of all sizes, disks, CPU. */
const probes: readonly PlacementRequest[] = [
  { mruBytes: 0, vcpus: 0 },
  { mruBytes: 4 * GiB, vcpus: 2, ssdBytes: [50 * GiB] },
  { mruBytes: 100 * GiB, vcpus: 1 },
  { mruBytes: 0, vcpus: 0, hddBytes: [500 * GiB] },
  { mruBytes: 8 * GiB, vcpus: 30 },
];

function docOf(kind: 'zdb' | 'vm', i: number): Deployment {
  return kind === 'zdb' ? zdbDeployment([`db${i}`]) : bareVmDeployment();
}

/** A read counted by node, to check that the watched placement reads less than the whole grid. */
function counting(observer: GridObserver): { observer: GridObserver; viewsRead: () => number } {
  let read = 0;
  const counted: GridObserver = {
    nodeCapacities: async (nodes?: readonly number[]): Promise<readonly NodeCapacityView[]> => {
      const views = await observer.nodeCapacities(nodes);
      read += views.length;
      return views;
    },
    nodeStatus: (n) => observer.nodeStatus(n),
    znets: () => observer.znets(),
  };
  return { observer: counted, viewsRead: () => read };
}

test('placement refreshed from the watch equals placement rebuilt from a full read, step by step', async (t) => {
  let watchedReads = 0;
  let fullReads = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.constantFrom('spread' as const, 'pack' as const), async (steps, weight) => {
      const backend = simBackend();
      const { world } = backend;
      const watchedObserver = counting(backend);
      const fullObserver = counting(backend);
      const watched = new TestbedPlacement(watchedObserver.observer, { weight }, backend.watchNodes());
      const full = new TestbedPlacement(fullObserver.observer, { weight });
      const held: { jobId: string; placement: Placement }[] = [];
      const contracts: number[] = [];
      let jobs = 0;
      for (const step of steps) {
        await watched.refresh(world.sim.nowS, direct);
        await full.refresh(world.sim.nowS, direct);
        for (const probe of probes) {
          const a = watched.placer().place(probe);
          const b = full.placer().place(probe);
          if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`before ${JSON.stringify(step)}: watched ${JSON.stringify(a)} vs full ${JSON.stringify(b)}`);
        }
        if (step.kind === 'deploy') {
          const doc = docOf(step.doc, jobs);
          const need = deploymentNeeds(doc);
          const p = watched.placeAndReserve(need);
          const q = full.placeAndReserve(need);
          if (JSON.stringify(p) !== JSON.stringify(q)) throw new Error(`placeAndReserve: ${JSON.stringify(p)} vs ${JSON.stringify(q)}`);
          if (p === undefined) continue;
          const jobId = `job-${++jobs}`;
          watched.queued(jobId, p.node, need, true);
          full.queued(jobId, p.node, need, true);
          held.push({ jobId, placement: p });
          // The create runs on the grid now; its job is reported finished by a later 'finish' step.
          try {
            contracts.push((await backend.createDeployment(p.node, doc)).contractId);
          } catch {
            // Refused by the node (it is off): the job will finish failed.
          }
        } else if (step.kind === 'finish' && held.length > 0) {
          const { jobId } = held.splice(step.nth % held.length, 1)[0]!;
          watched.finished(jobId);
          full.finished(jobId);
        } else if (step.kind === 'delete' && contracts.length > 0) {
          await backend.deleteDeployment(contracts.splice(step.nth % contracts.length, 1)[0]!);
        } else if (step.kind === 'crash') await backend.faults.crash(step.node);
        else if (step.kind === 'repair') await backend.faults.repair(step.node);
        else if (step.kind === 'memory') world.grid.reserveMemory(step.node, step.gib * GiB);
        else if (step.kind === 'advance') world.sim.run({ untilS: world.sim.nowS + step.seconds });
      }
      watchedReads += watchedObserver.viewsRead();
      fullReads += fullObserver.viewsRead();
    }),
    fcParams('testbed-scale incremental placement equals full read', 80),
  );
  t.true(watchedReads < fullReads / 2, `the watched placement read ${watchedReads} node views, the full one ${fullReads}`);
});

test('a Testbed reads only the changed nodes after its first refresh, and a crash still wakes the reconciler', async (t) => {
  const { openSimTestbed } = await import('../../scenarios/testbed.js');
  const { testbed, backend, world } = await openSimTestbed({ seed: 1, reconcile: { downThresholdS: 300 } });
  let viewsRead = 0;
  const original = backend.nodeCapacities.bind(backend);
  backend.nodeCapacities = async (nodes?: readonly number[]) => {
    const views = await original(nodes);
    viewsRead += views.length;
    return views;
  };
  const first = await testbed.deploy(zdbDeployment(['a']));
  t.is((await testbed.wait(first)).state, 'ok');
  t.is(viewsRead, world.grid.nodeCount, 'the first placement reads every node');
  const second = await testbed.deploy(zdbDeployment(['b']));
  t.is((await testbed.wait(second)).state, 'ok');
  t.true(viewsRead < 2 * world.grid.nodeCount, `the second read only what changed (${viewsRead - world.grid.nodeCount} views)`);
  // No job runs: only the watch's listener can arm the reconciler when the node holding 'b' crashes.
  const contractId = (testbed.unplacedResult(second.id) ?? (await testbed.wait(second))).value as { contractId: number };
  const nodeOfB = world.chain.get(contractId.contractId)!.node;
  await backend.faults.crash(nodeOfB);
  await testbed.runUntil(world.sim.nowS + 3600);
  const { audit } = await testbed.state();
  const replaced = audit?.find((e) => e.reason === 'replaced' && e.contractId === contractId.contractId);
  t.truthy(replaced, 'the deployment of the crashed node was moved');
  t.is(typeof replaced?.toContractId, 'number');
  t.is(world.chain.get(replaced!.toContractId!)?.node, replaced!.node, 'toContractId names the copy, on the entry\'s node');
  await testbed.close();
});
