// Network operations end to end through the in-process transport on a SimBackend: a Z-Net made of real
// `network` workloads loses its access node and a znet.reapply heals it; a gateway answers until its
// node powers off; link faults; equal state hashes for equal runs; validation errors name the field.
import test from 'ava';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { hasPublicConfig } from '../../sim/network/grid-network-public.js';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { Testbed } from '../../scheduler/testbed.js';
import { InputError } from '../../workers/errors.js';
import { handlers } from '../../workers/handlers/index.js';
import type { Operation, OperationResult } from '../../workers/operations.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { bareVmDeployment } from '../helpers/sim-backend.js';
import { smallWorld } from '../helpers/world.js';

const twin = 70;

function doc(workloads: readonly Partial<Workload>[]): Deployment {
  return { version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

/** The Z-Net `net1` on nodes 0, 1 (public, farm-a), 3 and 4 (hidden): one deployment.create per member. */
function znetOps(backend: SimBackend): Operation[] {
  const world = backend.world;
  const info = { isPublic: (node: number) => hasPublicConfig(world.grid.farms, world.grid.farmOf(node), node) };
  const net = planZNet({ name: 'net1', ip_range: '10.1.0.0/16', nodes: [0, 1, 3, 4].map((node) => ({ node, wireguard_listen_port: 7000 + node })) }, info);
  return [...networkWorkloads(net)].map(([node, data]) => ({ kind: 'deployment.create', node, deployment: doc([{ name: 'net1', type: 'network', data }]) }) as Operation);
}

/** A name proxy on node 5 (farm-b's public node) for a backend on node 1's public address. */
const gatewayOp: Operation = {
  kind: 'deployment.create',
  node: 5,
  deployment: doc([{ name: 'web', type: 'gateway-name-proxy', data: { name: 'app', tls_passthrough: false, backends: ['http://198.18.0.2:8080'] } as never }]),
};

/** Through a Testbed: its jobs go to the handlers, its faults (link.cut, node.powerOff) to backend.faults. */
async function run(backend: SimBackend, ops: readonly Operation[]): Promise<OperationResult[]> {
  const testbed = await Testbed.open({ backend, seed: 1, handlers, where: 'test' });
  try {
    const results: OperationResult[] = [];
    // One at a time, in order: each step's effect is what the next one observes.
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

test('Z-Net: the access node powers off, hidden members are cut off, znet.reapply moves the access and restores reachability', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  const created = await run(backend, znetOps(backend));
  t.true(created.every((r) => r.state === 'ok'), JSON.stringify(created));
  const net = backend.world.net;
  t.like(net.stats(), { znets: 1, znetMembersCutOff: 0 });
  const key = `${twin}/net1`;
  t.is(net.znets.get(key)!.accessNode, 0, 'the public member nearest the hidden ones');

  await run(backend, [{ kind: 'node.powerOff', node: 0 }]);
  t.is(net.stats().znetMembersCutOff, 3, 'members 1, 3 and 4 each miss someone');

  const [healed] = await run(backend, [{ kind: 'znet.reapply', network: 'net1' }]);
  t.is(healed!.state, 'ok', JSON.stringify(healed));
  t.like(healed!.value as object, { network: key, previousAccessNode: 0, accessNode: 1, version: 1, updated: [1, 3, 4], skipped: [0], membersCutOff: 0 });
  t.is(net.stats().znetMembersCutOff, 0);

  // Node 0 comes back: its deployment re-runs with the same data, which must not undo the re-apply.
  await run(backend, [{ kind: 'node.powerOn', node: 0 }]);
  backend.world.sim.run({ untilS: backend.world.sim.nowS + 120 });
  t.is(net.znets.get(key)!.accessNode, 1);
  // Node 0 runs the old mesh (hidden members peered with it directly) until the next re-apply, so it
  // and the hidden members 3 and 4 cannot meet; node 1 reaches everyone.
  t.is(net.stats().znetMembersCutOff, 3);
  const [again] = await run(backend, [{ kind: 'znet.reapply', network: `${twin}/net1` }]);
  t.like(again!.value as object, { accessNode: 1, version: 2, membersCutOff: 0 });

  const [unknown] = await run(backend, [{ kind: 'znet.reapply', network: 'nope' }]);
  t.like(unknown!, { state: 'failed', error: { code: 'E_NOT_FOUND', retryable: false } as never });
});

test('gateway.request: 200 with the underlay latency, no answer once the gateway node is off, 200 again after', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  const [created] = await run(backend, [gatewayOp]);
  t.is(created!.state, 'ok', JSON.stringify(created));
  const host = 'app.gw5.grid.test';
  const [first] = await run(backend, [{ kind: 'gateway.request', host }]);
  const answer = first!.value as { status: number; latencyS: number; gateway: number; backend: string };
  t.like(answer, { status: 200, gateway: 5, backend: 'http://198.18.0.2:8080' });
  // Client leg 0 + two crossings from farm-b to farm-a + 1 ms service time.
  const oneWayS = backend.world.net.latency.latencyS(5, 1);
  t.true(Math.abs(answer.latencyS - (2 * oneWayS + 0.001)) < 1e-9, `latency ${answer.latencyS}`);
  t.log(`gateway answer ${answer.status} in ${(answer.latencyS * 1000).toFixed(2)} ms`);

  const [, dark] = await run(backend, [{ kind: 'node.powerOff', node: 5 }, { kind: 'gateway.request', host }]);
  t.like(dark!, { state: 'ok', value: { status: null, outcome: 'no-answer', latencyS: null } as never });
  const [, back] = await run(backend, [{ kind: 'node.powerOn', node: 5 }, { kind: 'gateway.request', host }]);
  t.like(back!.value as object, { status: 200 });

  // The backend's node off: the gateway answers 502.
  const [, bad] = await run(backend, [{ kind: 'node.powerOff', node: 1 }, { kind: 'gateway.request', host }]);
  t.like(bad!.value as object, { status: 502, outcome: 'bad-gateway' });
  t.like(backend.world.net.stats(), { gatewayRequests: 4, gatewayOk: 2 });

  const [unknownHost] = await run(backend, [{ kind: 'gateway.request', host: 'nobody.example.org' }]);
  t.like(unknownHost!.value as object, { status: null, outcome: 'unknown-host' });
});

test('a zmachine gets its private and planetary addresses; an FQDN proxy reaches it over its planetary address', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  const [vm] = await run(backend, [{ kind: 'deployment.create', node: 0, deployment: bareVmDeployment() }]);
  t.is(vm!.state, 'ok', JSON.stringify(vm));
  const id = `49-${(vm!.value as { contractId: number }).contractId}-testzmachine`;
  const nics = backend.world.net.nics.of(id);
  t.like(nics, { node: 0, private: { network: '49/testznetwork', ipv4: '10.240.1.5' } });
  t.regex(nics!.planetary!.ip, /^3[0-9a-f]{2}:/, 'a planetary address is in 300::/8');
  const proxy = { fqdn: 'shop.example.org', tls_passthrough: false, backends: [`http://[${nics!.planetary!.ip}]:8080`] };
  const [gw, answer] = await run(backend, [
    { kind: 'deployment.create', node: 6, deployment: doc([{ name: 'shop', type: 'gateway-fqdn-proxy', data: proxy as never }]) },
    { kind: 'gateway.request', host: 'shop.example.org' },
  ]);
  t.is(gw!.state, 'ok', JSON.stringify(gw));
  t.like(answer!.value as object, { status: 200, gateway: 6 });
  t.true((answer!.value as { latencyS: number }).latencyS > 2 * backend.world.net.latency.latencyS(6, 0));
});

test('a gateway on a node without a public config fails its workload with the reason', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  const [result] = await run(backend, [{ ...gatewayOp, node: 3 } as Operation]);
  t.is(result!.state, 'failed');
  t.regex(result!.error!.message, /no public config/);
});

test('link.cut and link.heal through operations; an unknown link is bad input naming it', async (t) => {
  const backend = new SimBackend(smallWorld(1));
  await run(backend, [{ kind: 'link.cut', a: 4, b: 7 }]);
  t.like(backend.world.net.stats(), { linksDown: 1, partitions: 1 });
  const [healed, unknown] = await run(backend, [{ kind: 'link.heal', a: 4, b: 7 }, { kind: 'link.cut', a: 0, b: 5 }]);
  t.is(healed!.state, 'ok');
  t.like(backend.world.net.stats(), { linksDown: 0, partitions: 0 });
  t.like(unknown!, { state: 'failed', error: { code: 'E_BAD_INPUT', retryable: false } as never });
  t.regex(unknown!.error!.message, /link 0-5/);
});

test('state hash: equal for the same network ops twice; a world that never builds the network hashes without it', async (t) => {
  const script = (backend: SimBackend): Operation[] => [
    ...znetOps(backend),
    gatewayOp,
    { kind: 'link.cut', a: 7, b: 8 },
    { kind: 'gateway.request', host: 'app.gw5.grid.test' },
    { kind: 'node.powerOff', node: 0 },
    { kind: 'znet.reapply', network: 'net1' },
    { kind: 'link.heal', a: 7, b: 8 },
  ];
  const hashes: string[] = [];
  for (let i = 0; i < 2; i++) {
    const backend = new SimBackend(smallWorld(1));
    await run(backend, script(backend));
    hashes.push(await backend.stateHash());
  }
  t.is(hashes[0], hashes[1]);

  // The same deployments without any network op: nothing builds the network, so no network state is
  // hashed; building it afterwards adds it.
  const lazy = new SimBackend(smallWorld(1));
  await run(lazy, [...znetOps(lazy), gatewayOp]);
  t.is(lazy.world.netIfBuilt, undefined);
  const before = await lazy.stateHash();
  t.is(await lazy.stateHash(), before);
  void lazy.world.net;
  t.not(await lazy.stateHash(), before);
  t.not(before, hashes[0]);
});

test('validation names the field of a bad network operation', (t) => {
  const field = (raw: unknown): string | undefined => t.throws(() => validateOperation(raw, 'test'), { instanceOf: InputError })?.field;
  t.is(field({ kind: 'link.cut', a: 1 }), 'b');
  t.is(field({ kind: 'link.cut', a: -1, b: 2 }), 'a');
  t.is(field({ kind: 'link.heal', a: 3, b: 3 }), 'b');
  t.is(field({ kind: 'link.cut', a: 1, b: 2, node: 4 }), 'node');
  t.is(field({ kind: 'znet.reapply', network: 'bad name!' }), 'network');
  t.is(field({ kind: 'znet.reapply' }), 'network');
  t.is(field({ kind: 'gateway.request', host: 'localhost' }), 'host');
  t.is(field({ kind: 'gateway.request', host: 42 }), 'host');
  t.deepEqual(validateOperation({ kind: 'znet.reapply', network: '70/net1' }, 'test'), { kind: 'znet.reapply', network: '70/net1' });
  t.deepEqual(validateOperation({ kind: 'link.cut', a: 4, b: 7, id: 'x' }, 'test'), { kind: 'link.cut', a: 4, b: 7, id: 'x' });
});
