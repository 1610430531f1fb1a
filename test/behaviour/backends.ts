// One suite, every backend: `behaviour(title, body)` registers the same test once per backend, each on
// a fresh grid: a SimBackend over the small test World (run on its virtual clock), and a HostBackend
// of 7 real nodes in a temp data dir. Fixtures that must differ (a flist, a gateway's backend) come
// from the factory, so test bodies never ask which side they are on.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distroFlist } from '../../sim/storage/flist/generate.js';
import type { Backend, FaultInjector, WorkloadView } from '../../workers/backend.js';
import type { Deployment } from '../../workers/operations.js';
import { packDir, serializeFlist } from '../../workers/host/flist/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { inSim } from '../helpers/sim-backend.js';
import { exampleFlistUrl, smallWorld } from '../helpers/world.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/index.js';
import { localFlistName } from '../../workers/host-backend/hub-map.js';
import { parseHubFlistUrl } from '../../sim/storage/flist/hub-url.js';
import { hasPublicConfig, publicIpv4Of } from '../../sim/network/grid-network-public.js';

export const backendNames = ['sim', 'host'] as const;
export type BackendName = (typeof backendNames)[number];

/** Same node count as the small World: node numbers in cases mean the same on both. */
export const nodeCount = 7;
/** The small World's farms: farm-a holds nodes 0–4, farm-b nodes 5 and 6. */
const smallWorldFarms = [5, 2];

export interface BackendUnderTest {
  readonly name: BackendName;
  readonly backend: Backend;
  /** The harness's faults on the same grid (the backend's owner side, apart from Backend). */
  readonly faults: FaultInjector;
  /** Publishes a small flist on the backend's hub; answers the URL nodes fetch it by. */
  publishFlist(name: string): Promise<string>;
  /** An flist a zmachine can boot from, and the entrypoint that keeps it running. */
  machineFlist(): Promise<{ url: string; entrypoint: string }>;
  /**
   * Makes a real hub URL (https://hub.grid.tf/<user>/<file>) bootable as it is written: the simulated
   * hub serves it already; the host publishes a machine root under the name it maps the URL to.
   * Answers the entrypoint that keeps a machine from it running.
   */
  realHubImage(url: string): Promise<{ entrypoint: string }>;
  /** A flist whose machine answers HTTP 200 on `port` at its Z-Net addresses, and its entrypoint. */
  serverFlist(port: number): Promise<{ url: string; entrypoint: string }>;
  /**
   * What Z-Nets need to know of a node: whether peers can dial it (a public config) and the address
   * they dial. The small World's public nodes are 0, 1 (farm-a) and 5, 6 (farm-b); 2–4 are hidden.
   */
  readonly nodeNet: { isPublic(node: number): boolean; publicIpv4(node: number): string };
  /** A URL a gateway on node 5 can forward to, and that answers 200. */
  gatewayBackendUrl(): Promise<string>;
  /** Lets time pass for background work (qsfs uploads): virtual on sim, nothing to wait for on host. */
  idle(seconds: number): Promise<void>;
}

type Body<T = void> = (t: ExecutionContext, b: BackendUnderTest) => Promise<T>;

/**
 * How the host grid is built. `netns`: every node a network namespace on its farm's LAN, farms of 5 and
 * 2 nodes as the small World's (needs root; slower to open, so only the cases that need a network).
 */
export interface GridOptions {
  readonly hostNetwork?: 'loopback' | 'netns';
}

export function behaviour(title: string, body: Body, options: GridOptions = {}): void {
  for (const name of backendNames) test(`${name} › ${title}`, (t) => withBackend(name, t, body, options));
}

/** Runs `body` on a fresh backend of the kind named, closing it (and deleting its files) after. */
export function withBackend<T>(name: BackendName, t: ExecutionContext, body: Body<T>, options: GridOptions = {}): Promise<T> {
  return name === 'sim' ? runSim(t, body) : runHost(t, body, options);
}

async function runSim<T>(t: ExecutionContext, body: Body<T>): Promise<T> {
  const world = smallWorld(1);
  const backend = new SimBackend(world);
  const fixture: BackendUnderTest = {
    name: 'sim',
    backend,
    faults: backend.faults,
    async publishFlist(name) {
      const url = `https://hub.grid.tf/tf-official-apps/${name}.flist`;
      // Its own distro name: flists of one distro share their base blocks, which would hide a download.
      world.hub.publish(distroFlist({ distro: name, seed: name, url, baseFileCount: 20 }));
      return url;
    },
    machineFlist: async () => ({ url: exampleFlistUrl, entrypoint: '/sbin/zinit init' }),
    // The sim models no sockets: a running machine answers on every port.
    serverFlist: async () => ({ url: exampleFlistUrl, entrypoint: '/sbin/zinit init' }),
    nodeNet: { isPublic: (node) => hasPublicConfig(world.grid.farms, world.grid.farmOf(node), node), publicIpv4: publicIpv4Of },
    realHubImage: async () => ({ entrypoint: '/sbin/zinit init' }),
    // Node 1's public address: the gateway on node 5 reaches it across the underlay.
    gatewayBackendUrl: async () => 'http://198.18.0.2:8080',
    idle: async (seconds) => void (await world.sim.sleep(seconds)),
  };
  return inSim(world, () => body(t, fixture));
}

async function runHost<T>(t: ExecutionContext, body: Body<T>, options: GridOptions): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'zos-testbed-behaviour-'));
  const network = options.hostNetwork === 'netns' ? { network: 'netns' as const, farms: smallWorldFarms } : {};
  const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: nodeCount, allowLoopbackBackends: true, ...network });
  const servers: Server[] = [];
  const fixture: BackendUnderTest = {
    name: 'host',
    backend,
    faults: backend.faults,
    async publishFlist(name) {
      const tree = join(dir, 'trees', name);
      mkdirSync(join(tree, 'etc'), { recursive: true });
      // Content depends on the name only, and spans several blocks, so a fetch has bytes to count.
      writeFileSync(join(tree, 'etc', 'hostname'), `${name}\n`);
      writeFileSync(join(tree, 'data.bin'), Buffer.alloc(300 * 1024, name));
      const packed = await packDir(tree, backend.hubServer!.hub);
      await backend.hubServer!.hub.putFlist(name, Buffer.from(serializeFlist(packed.meta)));
      return backend.flistUrl(name);
    },
    async machineFlist() {
      // A root of host binaries: the machine runs `sleep` in it (chroot and namespaces when root).
      const tree = join(dir, 'trees', 'machine');
      buildMinimalRoot(tree, ['/bin/sh', '/bin/sleep']);
      const packed = await packDir(tree, backend.hubServer!.hub);
      await backend.hubServer!.hub.putFlist('machine', Buffer.from(serializeFlist(packed.meta)));
      return { url: backend.flistUrl('machine'), entrypoint: '/bin/sleep 1000' };
    },
    async serverFlist(port) {
      // busybox's httpd (Debian's busybox-static) serving one page: it answers 200 on the machine's addresses.
      const tree = join(dir, 'trees', `server-${port}`);
      buildMinimalRoot(tree, ['/bin/busybox']);
      mkdirSync(join(tree, 'www'), { recursive: true });
      writeFileSync(join(tree, 'www', 'index.html'), 'hello from inside the Z-Net\n');
      const packed = await packDir(tree, backend.hubServer!.hub);
      await backend.hubServer!.hub.putFlist(`server-${port}`, Buffer.from(serializeFlist(packed.meta)));
      return { url: backend.flistUrl(`server-${port}`), entrypoint: `/bin/busybox httpd -f -p ${port} -h /www` };
    },
    // As in simulation (the first two nodes of each farm are public); the host maps the stand-in addresses onto its nodes'.
    nodeNet: { isPublic: (node) => [0, 1, 5, 6].includes(node), publicIpv4: publicIpv4Of },
    async realHubImage(url) {
      const tree = join(dir, 'trees', 'real-hub-image');
      buildMinimalRoot(tree, ['/bin/sh', '/bin/sleep']);
      const packed = await packDir(tree, backend.hubServer!.hub);
      await backend.hubServer!.hub.putFlist(localFlistName(parseHubFlistUrl(url)!), Buffer.from(serializeFlist(packed.meta)));
      return { entrypoint: '/bin/sleep 1000' };
    },
    async gatewayBackendUrl() {
      const server = createServer((_req, res) => res.end('hello from the backend\n'));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    idle: async () => {},
  };
  try {
    return await body(t, fixture);
  } finally {
    await backend.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rejection of `call` (a failed assertion if it resolves), for matching on codes. */
export async function refusal(t: ExecutionContext, call: Promise<unknown>): Promise<Error> {
  const error = await t.throwsAsync(call);
  return error ?? new Error('did not throw');
}

// Documents the cases deploy --------------------------------------------------------------------

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

export function doc(twin: number, workloads: readonly { name: string; type: string; data: unknown }[]): Deployment {
  return {
    version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '',
    workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })),
  } as unknown as Deployment;
}

export function zdbData(sizeBytes: number, mode: 'user' | 'seq' = 'user', password = 'pw'): unknown {
  return { size: sizeBytes, mode, password, public: false };
}

/** Deploys and waits; answers the contract and its workloads' views. */
export async function deploy(b: BackendUnderTest, node: number, deployment: Deployment): Promise<{ contractId: number; workloads: readonly WorkloadView[] }> {
  const { contractId } = await b.backend.createDeployment(node, deployment);
  return { contractId, workloads: await b.backend.settled(contractId, 600) };
}

/** One user-mode namespace `db` of `sizeBytes` on `node` (twin 50); answers its namespace id. */
export async function namespaceOn(t: ExecutionContext, b: BackendUnderTest, node: number, sizeBytes = GiB): Promise<string> {
  const { contractId, workloads } = await deploy(b, node, doc(50, [{ name: 'db', type: 'zdb', data: zdbData(sizeBytes) }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  return `50-${contractId}-db`;
}
