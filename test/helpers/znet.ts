// A small underlay for Z-Net tests on this host: one "LAN" namespace with a bridge and a namespace per
// node on it (10.199.0.<i+1>/24), all named under this test process's prefix so parallel test files
// never collide; TCP probes run inside namespaces (there is no ping here); and what we may leave behind.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from '../../workers/operations.js';
import { packDir, serializeFlist } from '../../workers/host/flist/index.js';
import type { HostBackend } from '../../workers/host-backend/index.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/index.js';
import type { NetworkData } from '../../sim/grid/deployment.js';
import { networkWorkloads, planZNet, type ZNet, type ZNetInput } from '../../sim/network/znet/index.js';
import { dialerSocketDir, HostZNet, ipNetnsNamespace, listNamespaces, ownerPrefix, run, sweepDeadOwners, wgSocketDir, type NodeNamespace } from '../../workers/host/znet/index.js';
import { commandLines } from './processes.js';

/** Every znet test owner's names start with this, then its pid in base 36 and '-'. */
export const znetTestRoot = 'zq';

/** Why Z-Net tests cannot run here, or undefined when they can. */
export function znetSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'Z-Net tests need root (network namespaces, TUN devices)';
  for (const tool of ['/usr/bin/wireguard-go', '/usr/bin/wg']) if (!existsSync(tool)) return `Z-Net tests need ${tool} (apt-get install wireguard-go wireguard-tools)`;
  return undefined;
}

export interface ZNetLab {
  readonly prefix: string;
  readonly nodes: readonly NodeNamespace[];
  readonly znet: HostZNet;
  close(): Promise<void>;
}

/** `nodes` node namespaces on one LAN, after sweeping what dead test owners left. */
export async function createLab(nodes: number, tag: string): Promise<ZNetLab> {
  await sweepDeadOwners(znetTestRoot);
  // The tag keeps two labs of one process (two test files share no process, but be safe) apart.
  const prefix = `${ownerPrefix(znetTestRoot)}${tag}`;
  const lan = `${prefix}l`;
  await run(['ip', 'netns', 'add', lan]);
  await run(['ip', '-n', lan, 'link', 'add', 'br0', 'type', 'bridge']);
  await run(['ip', '-n', lan, 'link', 'set', 'br0', 'up']);
  const made: NodeNamespace[] = [];
  for (let i = 0; i < nodes; i++) {
    const name = `${prefix}h${i}`;
    const address = `10.199.0.${i + 1}`;
    await run(['ip', 'netns', 'add', name]);
    await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    await run(['ip', '-n', lan, 'link', 'add', `${prefix}e${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
    await run(['ip', '-n', lan, 'link', 'set', `${prefix}e${i}`, 'master', 'br0', 'up']);
    await run(['ip', '-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    await run(['ip', '-n', name, 'link', 'set', 'eth0', 'up']);
    made.push(ipNetnsNamespace(name, address));
  }
  const znet = new HostZNet(prefix);
  return {
    prefix,
    nodes: made,
    znet,
    async close() {
      await znet.close();
      for (const ns of await listNamespaces()) {
        if (!ns.startsWith(prefix)) continue;
        const pids = (await run(['ip', 'netns', 'pids', ns]).catch(() => '')).split('\n').filter((p) => /^\d+$/.test(p));
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
        await run(['ip', 'netns', 'del', ns]);
      }
    },
  };
}

/** What of ours is still on the machine: namespaces, wireguard-go processes, UAPI sockets. */
/**
 * The Z-Net's `network` documents for members on lab nodes, as the simulator plans them
 * (sim/network/znet: the grid client's mesh); a member's endpoint is its node's LAN address.
 */
export function planDocuments(lab: ZNetLab, input: Omit<ZNetInput, 'nodes'> & { nodes: readonly { node: number; public: boolean }[] }): { net: ZNet; docs: Map<number, NetworkData> } {
  const info = {
    isPublic: (n: number) => input.nodes.find((m) => m.node === n)?.public ?? false,
    publicIpv4: (n: number) => lab.nodes[n]!.address,
  };
  const net = planZNet({ ...input, nodes: input.nodes.map((m) => ({ node: m.node, wireguard_listen_port: 7000 + m.node })) }, info);
  return { net, docs: networkWorkloads(net) };
}

export async function leftovers(prefix: string): Promise<string[]> {
  const found = (await listNamespaces()).filter((ns) => ns.startsWith(prefix)).map((ns) => `namespace ${ns}`);
  for (const { pid, cmdline } of commandLines()) if (cmdline.startsWith(`wireguard-go\0-f\0${prefix}`)) found.push(`wireguard-go pid ${pid}`);
  for (const dir of [wgSocketDir, dialerSocketDir]) if (existsSync(dir)) for (const s of readdirSync(dir)) if (s.startsWith(prefix)) found.push(`socket ${dir}/${s}`);
  return found;
}

const serverCode = `const net=require('node:net');const [h,p]=process.argv.slice(1);
net.createServer((s)=>{s.on('error',()=>{});s.pipe(s);}).listen(Number(p),h,()=>console.log('ready'));`;
const clientCode = `const net=require('node:net');const [h,p,t]=process.argv.slice(1);
const s=net.connect({host:h,port:Number(p)});setTimeout(()=>process.exit(2),Number(t)).unref();
s.on('connect',()=>s.write('ping'));s.on('data',(d)=>process.exit(String(d)==='ping'?0:3));s.on('error',()=>process.exit(1));`;

export interface EchoServer {
  stop(): Promise<void>;
}

/** A TCP echo server bound to host:port inside a namespace; resolves once it listens. */
export function echoServer(ns: NodeNamespace, host: string, port: number): Promise<EchoServer> {
  const [file, ...args] = ns.exec([process.execPath, '-e', serverCode, host, String(port)]);
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (String(d).includes('ready')) resolve({ stop: () => (child.kill('SIGKILL'), exited) });
    });
    child.once('exit', (code) => reject(new Error(`echo server in ${ns.name} on ${host}:${port} exited (${code}): ${err}`)));
  });
}

/** One TCP round trip from inside a namespace; false if it did not complete within timeoutMs. */
export async function tcpRoundTrip(ns: NodeNamespace, host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  const [file, ...args] = ns.exec([process.execPath, '-e', clientCode, host, String(port), String(timeoutMs)]);
  const child = spawn(file!, args, { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code === 0)));
}

/** Retries round trips until one completes (WireGuard handshakes, wireguard-go's ~1 s up detection). */
export async function reachesWithin(ns: NodeNamespace, host: string, port: number, totalMs = 20_000): Promise<boolean> {
  const startMs = Date.now();
  while (Date.now() - startMs < totalMs) {
    if (await tcpRoundTrip(ns, host, port, 3000)) return true;
    // A refused or unroutable attempt fails at once: pause rather than spawn clients in a tight loop.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

const httpCode = `const [u,t]=process.argv.slice(1);fetch(u,{signal:AbortSignal.timeout(Number(t))}).then(async(r)=>{process.stdout.write(await r.text());process.exit(r.status===200?0:4);},()=>process.exit(1));`;

/** The body of a 200 answer to GET url from inside a namespace, retried until `totalMs`; undefined if none came. */
export async function httpBodyWithin(ns: NodeNamespace, url: string, totalMs: number): Promise<string | undefined> {
  const startMs = Date.now();
  while (Date.now() - startMs < totalMs) {
    const [file, ...args] = ns.exec([process.execPath, '-e', httpCode, url, '3000']);
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let body = '';
    child.stdout!.on('data', (d: Buffer) => (body += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code === 0) return body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

/** A deployment document of `twin` with these workloads (version 0). */
export function deploymentOf(twin: number, workloads: readonly { name: string; type: string; data: unknown }[]): Deployment {
  return {
    version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '',
    workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })),
  } as unknown as Deployment;
}

/** A zmachine workload with one private interface in Z-Net `network` at `ip` (256 MiB, zos's minimum). */
export function zmachineIn(network: string, name: string, flist: string, ip: string, entrypoint: string): { name: string; type: string; data: unknown } {
  return {
    name, type: 'zmachine',
    data: { flist, entrypoint, size: 0, env: {}, mounts: [], compute_capacity: { cpu: 1, memory: 256 * 2 ** 20 }, network: { public_ip: '', planetary: false, interfaces: [{ network, ip }] } },
  };
}

/** The namespace of a host backend's machine holding `ip` (the backend names them zn<run>-m<slot>). */
export async function machineNamespaceOf(run: string, ip: string): Promise<NodeNamespace> {
  for (const ns of await listNamespaces()) {
    if (!ns.startsWith(`zn${run}-m`)) continue;
    if (execFileSync('ip', ['-n', ns, '-4', '-o', 'addr', 'show'], { encoding: 'utf8' }).includes(` ${ip}/`)) return ipNetnsNamespace(ns, ip);
  }
  throw new Error(`no machine namespace of run ${run} holds ${ip}`);
}

/** What of a host backend's run is left: its namespaces, UAPI sockets and wireguard-go processes. */
export function runLeftovers(run: string): string[] {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`zn${run}-`) || n.startsWith(`ztb-${run}-`));
  const sockets = existsSync(wgSocketDir) ? readdirSync(wgSocketDir).filter((s) => s.startsWith(`zn${run}-`)) : [];
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`wireguard-go -f zn${run}-`));
  return [...namespaces, ...sockets, ...processes];
}

/** Packs a minimal root of these host binaries onto the backend's hub as flist `name`; answers its URL. */
export async function publishRoot(backend: HostBackend, dir: string, name: string, binaries: readonly string[]): Promise<string> {
  const root = join(dir, `root-${name}`);
  buildMinimalRoot(root, binaries);
  const packed = await packDir(root, backend.hubServer!.hub);
  await backend.hubServer!.hub.putFlist(name, Buffer.from(serializeFlist(packed.meta)));
  return backend.flistUrl(name);
}
