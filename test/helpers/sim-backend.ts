// A SimBackend over the small test World, and `inSim`, which runs async code (handlers, backend calls)
// on the World's virtual clock until it finishes. Also the documents the handler tests deploy.

import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import type { World } from '../../sim/grid/world.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { exampleFlistUrl, fixedExample, smallWorld } from './world.js';
import { backendFromResult, zdbResultOf } from './zdb-refs.js';

export { exampleFlistUrl, fixedExample };

const GiB = 2 ** 30;

export function simBackend(seed: string | number = 1): SimBackend {
  return new SimBackend(smallWorld(seed));
}

/**
 * Runs `body` under world.sim.runAsync() and stops the clock when it settles, so background timers
 * (upload rotations, grace periods) do not run on past it. Fails loudly if `body` waits on nothing.
 */
export async function inSim<T>(world: World, body: () => Promise<T>): Promise<T> {
  let done = false;
  const result = body().finally(() => {
    done = true;
    world.sim.stop();
  });
  // Keep the rejection from being reported as unhandled while the clock runs; it is rethrown below.
  result.catch(() => undefined);
  while (!done) {
    await world.sim.runAsync();
    if (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!done && world.sim.pendingCount === 0) throw new Error('inSim: the body waits on something the simulation will never do');
    }
  }
  return result;
}

/** A zdb-only deployment (twin 50) with one user-mode namespace per name. */
export function zdbDeployment(names: readonly string[] = ['db'], mode: 'user' | 'seq' = 'user'): Deployment {
  return {
    version: 0,
    twin_id: 50,
    contract_id: 0,
    metadata: '',
    description: '',
    workloads: names.map((name) => ({ version: 0, name, type: 'zdb', metadata: '', description: '', data: { size: 10 * GiB, mode, password: 'pw', public: false } }) as unknown as Workload),
  };
}

/** The example without its zmount: the network and a container zmachine (twin 49), CoreX on or off. */
export function bareVmDeployment(corex = false): Deployment {
  const doc = fixedExample();
  const workloads = doc.workloads
    .filter((w) => w.type !== 'zmount')
    .map((w) => {
      if (w.type !== 'zmachine') return w;
      const data = w.data as unknown as Record<string, unknown>;
      return { ...w, data: { ...data, mounts: [], corex } } as unknown as Workload;
    });
  return { ...doc, workloads };
}

/** A container zmachine with CoreX on, in the example's network (twin 49). */
export function corexDeployment(): Deployment {
  return bareVmDeployment(true);
}

/** The qsfs of test/grid/world.test.ts: zdb backends on nodes 5, 6, 1, 2 and a frontend on node 0. */
export async function deployQsfs(backend: SimBackend): Promise<{ qsfs: string; contractId: number }> {
  const zdb = (name: string) => ({ version: 0, name, type: 'zdb', metadata: '', description: '', data: { size: 50 * GiB, mode: 'seq', password: 'pw', public: false } });
  // Each backend entry is built from the zdb's result (its address and namespace), as a client does.
  const on = async (node: number, names: string[]) => {
    const doc = { version: 0, twin_id: 60, contract_id: 0, metadata: '', description: '', workloads: names.map(zdb) } as unknown as Deployment;
    const { contractId } = await backend.createDeployment(node, doc);
    return (await backend.settled(contractId, 600)).map((view) => backendFromResult(zdbResultOf(view), 'pw'));
  };
  const namespaces = [...(await on(5, ['d1', 'd2'])), ...(await on(6, ['d3', 'd4'])), ...(await on(1, ['d5', 'd6'])), ...(await on(2, ['m1', 'm2']))];
  const ref = (entry: ReturnType<typeof backendFromResult>) => entry;
  const key = '0'.repeat(64);
  const config = {
    minimal_shards: 2,
    expected_shards: 4,
    redundant_groups: 0,
    redundant_nodes: 0,
    max_zdb_data_dir_size: 512,
    encryption: { algorithm: 'AES', key },
    meta: { type: 'zdb', config: { prefix: 'qs', encryption: { algorithm: 'AES', key }, backends: [0, 2, 4, 6].map((i) => ref(namespaces[i]!)) } },
    groups: [{ backends: namespaces.slice(0, 6).map(ref) }],
    compression: { algorithm: 'snappy' },
  };
  const doc = { version: 0, twin_id: 60, contract_id: 0, metadata: '', description: '', workloads: [{ version: 0, name: 'qs', type: 'qsfs', metadata: '', description: '', data: { cache: 10 * GiB, config } }] } as unknown as Deployment;
  const { contractId } = await backend.createDeployment(0, doc);
  await backend.settled(contractId, 600);
  return { qsfs: `60-${contractId}-qs`, contractId };
}

export interface HashScenarioIds {
  readonly contractId: number;
  readonly vm: string;
  readonly namespace: string;
  readonly qsfs: string;
}

/**
 * A fixed small scenario (a VM with CoreX, a zdb namespace with a key, a qsfs with a file), then
 * `change`, then virtual time up to a fixed instant: the state hash and the end time.
 */
export async function runHashScenario(seed: string | number, change?: (backend: SimBackend, ids: HashScenarioIds) => Promise<void>): Promise<{ hash: string; endS: number }> {
  const backend = simBackend(seed);
  const { world } = backend;
  return inSim(world, async () => {
    const vmDoc = await backend.createDeployment(0, corexDeployment());
    const zdbDoc = await backend.createDeployment(2, zdbDeployment());
    await backend.settled(vmDoc.contractId, 600);
    await backend.settled(zdbDoc.contractId, 600);
    const namespace = `50-${zdbDoc.contractId}-db`;
    await backend.zdbSet(namespace, 'k', { sizeBytes: 7, tag: 'v' });
    const { qsfs } = await deployQsfs(backend);
    await backend.zstorStore(qsfs, '/a', 2 ** 20);
    const ids = { contractId: vmDoc.contractId, vm: `49-${vmDoc.contractId}-testzmachine`, namespace, qsfs };
    const settledAtS = Math.ceil(backend.nowS()) + 100;
    if (change !== undefined) await change(backend, ids);
    await world.sim.sleep(settledAtS + 3000 - backend.nowS());
    return { hash: await backend.stateHash(), endS: backend.nowS() };
  });
}
