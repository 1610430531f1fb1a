// Z-Net through the port, the same on every backend (issue 17): zmachines on three members of one
// network — node 0 (public, the access node), node 2 (hidden, behind node 0) and node 5 (public, the
// other farm) — open TCP connections to each other's Z-Net addresses. Faults cut what they should and
// healing (re-apply, a healed partition, power back on) restores it; a gateway reaches a backend inside the net.
import { generateKeyPairSync } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { planZNet } from '../../sim/network/znet/plan.js';
import { networkWorkloads } from '../../sim/network/znet/workloads.js';
import type { NetworkData } from '../../sim/grid/deployment.js';
import { behaviour as onEveryBackend, deploy, doc, MiB, type BackendUnderTest } from './backends.js';

// On hosts every node is a network namespace and the Z-Net runs on wireguard-go (issue 17).
const behaviour = (title: string, body: Parameters<typeof onEveryBackend>[1]) => onEveryBackend(title, body, { hostNetwork: 'netns' });

const twin = 80;
const port = 8080;
const members = [
  { node: 0, subnet: '10.20.2.0/24', ip: '10.20.2.2' },
  { node: 2, subnet: '10.20.3.0/24', ip: '10.20.3.2' },
  { node: 5, subnet: '10.20.4.0/24', ip: '10.20.4.2' },
] as const;

/** Real WireGuard (X25519) keys, base64 as `wg genkey` prints them: a host configures them as given. */
function wgKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const b64 = (jwkField: string | undefined) => Buffer.from(jwkField!, 'base64url').toString('base64');
  return { privateKey: b64(privateKey.export({ format: 'jwk' }).d), publicKey: b64(publicKey.export({ format: 'jwk' }).x) };
}

/** Every member's `network` workload as a grid client computes it (the sim's mesh), with real keys. */
function networkData(b: BackendUnderTest): Map<number, NetworkData> {
  const input = { name: 'net', ip_range: '10.20.0.0/16', access_node: 0, nodes: members.map((m) => ({ node: m.node, subnet: m.subnet, wireguard_listen_port: 7000 + m.node })) };
  const planned = networkWorkloads(planZNet(input, b.nodeNet));
  const keys = new Map<number, ReturnType<typeof wgKeys>>(members.map((m) => [m.node, wgKeys()]));
  const publicOf = (stand: string) => keys.get(Number(stand.slice(stand.lastIndexOf(':') + 1)))!.publicKey;
  return new Map([...planned].map(([node, data]) => [node, {
    ...data,
    wireguard_private_key: keys.get(node)!.privateKey,
    peers: data.peers.map((p) => ({ ...p, wireguard_public_key: publicOf(p.wireguard_public_key) })),
  }]));
}

/** Deploys the network and one serving zmachine on each member; answers the machines' workload ids by node. */
async function deployNet(t: ExecutionContext, b: BackendUnderTest): Promise<Map<number, string>> {
  const { url, entrypoint } = await b.serverFlist(port);
  const data = networkData(b);
  const machines = new Map<number, string>();
  for (const m of members) {
    const zmachine = {
      flist: url, entrypoint, size: 0, compute_capacity: { cpu: 1, memory: 256 * MiB }, env: {},
      network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: m.ip }] },
    };
    const { contractId, workloads } = await deploy(b, m.node, doc(twin, [{ name: 'net', type: 'network', data: data.get(m.node) }, { name: 'vm', type: 'zmachine', data: zmachine }]));
    t.deepEqual(workloads.map((w) => w.state), ['ok', 'ok'], JSON.stringify(workloads));
    machines.set(m.node, `${twin}-${contractId}-vm`);
  }
  return machines;
}

const ipOf = (node: number): string => members.find((m) => m.node === node)!.ip;

async function connects(b: BackendUnderTest, machines: Map<number, string>, from: number, to: number): Promise<boolean> {
  const answer = await b.backend.zmachineConnect(machines.get(from)!, ipOf(to), port);
  if (answer.connected) return answer.rttS !== null && answer.rttS > 0;
  return false;
}

behaviour('znet: members reach each other, the hidden one through the access node', async (t, b) => {
  const machines = await deployNet(t, b);
  for (const [from, to] of [[0, 5], [5, 0], [2, 5], [5, 2], [2, 0]] as const) t.true(await connects(b, machines, from, to), `${from} → ${to}`);
  const stranger = await b.backend.zmachineConnect(machines.get(0)!, '10.99.0.1', port);
  t.like(stranger, { connected: false, rttS: null });
  t.regex(stranger.reason ?? '', /none of .*Z-Nets/);
  await t.throwsAsync(b.backend.zmachineConnect(machines.get(0)!, '10.20.4.300', port), { message: /address/ });
  await t.throwsAsync(b.backend.zmachineConnect(machines.get(0)!, ipOf(5), 0), { message: /port/ });
});

behaviour('znet: a hidden member is cut off with its access node, and reaches the others after re-apply', async (t, b) => {
  const machines = await deployNet(t, b);
  await b.faults.powerOff(0);
  t.false(await connects(b, machines, 2, 5));
  const view = await b.backend.znetReapply('net');
  t.like(view, { network: `${twin}/net`, previousAccessNode: 0, accessNode: 5, membersCutOff: 0 });
  t.deepEqual([...view.updated].sort(), [2, 5]);
  t.deepEqual(view.skipped, [0]);
  t.true(await connects(b, machines, 2, 5));
  t.true(await connects(b, machines, 5, 2));
});

behaviour('znet: a partition between farms stops traffic across it; healing restores it', async (t, b) => {
  const machines = await deployNet(t, b);
  await b.faults.partitionFarms([1]);
  t.false(await connects(b, machines, 0, 5));
  t.false(await connects(b, machines, 2, 5));
  // Inside farm-a the net still works.
  t.true(await connects(b, machines, 2, 0));
  await b.faults.healPartition();
  t.true(await connects(b, machines, 0, 5));
  t.true(await connects(b, machines, 2, 5));
});

behaviour('znet: a gateway answers 200 from a backend inside the net, and nothing once its node is off', async (t, b) => {
  await deployNet(t, b);
  const host = 'inside.gw5.grid.test';
  const proxy = { name: 'inside', tls_passthrough: false, network: 'net', backends: [`http://${ipOf(0)}:${port}`] };
  const { workloads } = await deploy(b, 5, doc(twin, [{ name: 'gw', type: 'gateway-name-proxy', data: proxy }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  t.like(await b.backend.gatewayRequest(host), { status: 200, outcome: 'ok', gateway: 5 });
  await b.faults.powerOff(0);
  const answer = await b.backend.gatewayRequest(host);
  t.not(answer.status, 200, JSON.stringify(answer));
});
