// The network operations over BullMQ end in the same state hash and results as in-process: the
// remote backend's proxies and the lockstep gate carry link faults, re-applies and gateway requests.
import anyTest, { type TestFn } from 'ava';
import type { Deployment } from '../../sim/grid/deployment.js';
import { hasPublicConfig } from '../../sim/network/grid-network-public.js';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import { runOps, simBackendFor } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

function doc(workloads: readonly object[]): Deployment {
  return { version: 0, twin_id: 70, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

function script(): unknown[] {
  const { grid } = simBackendFor(1).world;
  const info = { isPublic: (node: number) => hasPublicConfig(grid.farms, grid.farmOf(node), node) };
  const net = planZNet({ name: 'net1', ip_range: '10.1.0.0/16', nodes: [0, 1, 3, 4].map((node) => ({ node, wireguard_listen_port: 7000 + node })) }, info);
  const members = [...networkWorkloads(net)].map(([node, data]) => ({ kind: 'deployment.create', node, deployment: doc([{ name: 'net1', type: 'network', data }]) }));
  const proxy = { name: 'app', tls_passthrough: false, backends: ['http://198.18.0.2:8080'] };
  return [
    ...members,
    { kind: 'deployment.create', node: 5, deployment: doc([{ name: 'web', type: 'gateway-name-proxy', data: proxy }]) },
    { kind: 'gateway.request', host: 'app.gw5.grid.test', delayS: 700 },
    { kind: 'link.cut', a: 7, b: 8, delayS: 701 },
    { kind: 'gateway.request', host: 'app.gw5.grid.test', delayS: 702 },
    { kind: 'link.heal', a: 7, b: 8, delayS: 703 },
    { kind: 'node.powerOff', node: 0, delayS: 704 },
    { kind: 'znet.reapply', network: 'net1', delayS: 705 },
    { kind: 'link.cut', a: 0, b: 5, delayS: 706 },
  ];
}

test('network operations: the same state hash and results in-process and over BullMQ', async (t) => {
  const ops = validateOperationList(JSON.parse(JSON.stringify(script())), 'network ops');
  const inprocess = await runOps(ops);
  const bullmq = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue: 'network-ops' } });
  t.is(bullmq.stateHash, inprocess.stateHash);
  t.deepEqual(bullmq.results, inprocess.results);
  const values = inprocess.results.map((r) => r.value as Record<string, unknown> | undefined);
  t.like(values[5], { status: 200 });
  t.like(values[7], { status: 502, outcome: 'bad-gateway' });
  t.like(values[10], { accessNode: 1, membersCutOff: 0 });
  t.like(inprocess.results[11], { state: 'failed', error: { code: 'E_BAD_INPUT' } as never });
});
