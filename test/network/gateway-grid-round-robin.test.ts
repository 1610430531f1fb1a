// The `gateway.request` operation on a SimBackend grid with a three-backend name proxy: zos's round
// robin sends every third request to the backend whose node is off, and traefik answers those 502.
import test from 'ava';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { publicIpv4Of } from '../../sim/network/grid-network-public.js';
import { Testbed } from '../../scheduler/testbed.js';
import { handlers } from '../../workers/handlers/index.js';
import type { Operation, OperationResult } from '../../workers/operations.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { smallWorld } from '../helpers/world.js';

function doc(workloads: readonly Partial<Workload>[]): Deployment {
  return { version: 0, twin_id: 70, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

async function run(backend: SimBackend, ops: readonly Operation[]): Promise<OperationResult[]> {
  const testbed = await Testbed.open({ backend, seed: 1, handlers, where: 'test' });
  try {
    const results: OperationResult[] = [];
    for (const op of ops) {
      const handle = await testbed.submit(JSON.parse(JSON.stringify(op)));
      await testbed.run();
      results.push(await testbed.wait(handle));
    }
    return results;
  } finally {
    await testbed.close();
  }
}

test('gateway.request over three backends with node 2 off: every third answer is 502 from the dead backend', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  const backends = [0, 1, 2].map((node) => `http://${publicIpv4Of(node)}:8080`);
  const create: Operation = { kind: 'deployment.create', node: 5, deployment: doc([{ name: 'web', type: 'gateway-name-proxy', data: { name: 'app', tls_passthrough: false, backends } as never }]) };
  const [created] = await run(backend, [create]);
  t.is(created!.state, 'ok', JSON.stringify(created));
  const host = 'app.gw5.grid.test';
  const requests: Operation[] = Array.from({ length: 30 }, () => ({ kind: 'gateway.request', host }));
  const results = await run(backend, [{ kind: 'node.powerOff', node: 2 }, ...requests]);
  const answers = results.slice(1).map((r) => r.value as { status: number | null; outcome: string; backend: string });
  t.deepEqual(
    answers.slice(0, 6).map((a) => [a.status, a.backend]),
    [[200, backends[0]], [200, backends[1]], [502, backends[2]], [200, backends[0]], [200, backends[1]], [502, backends[2]]],
  );
  t.is(answers.filter((a) => a.outcome === 'bad-gateway').length, 10);
  t.true(answers.every((a) => (a.status === 502) === (a.backend === backends[2])));
  t.like(backend.world.net.stats(), { gatewayRequests: 30, gatewayOk: 20 });
});
