// Tests of nodes as network namespaces: skip unless root with iproute2, TCP servers and dials inside a
// namespace (no ping in this image: reachability is a TCP connect), and what of a run is left behind.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { netnsAvailable, type NodeNamespace } from '../../workers/host/netns/index.js';

/** Why these tests cannot run here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  const available = netnsAvailable();
  return available.ok ? undefined : `skipped: ${available.reason}`;
}

/** A dial that fails within this long counts as unreachable (a dead neighbour's ARP takes ~3 s to give up). */
const dialTimeoutMs = 2_000;

/** A Node script inside the namespace that prints once it listens; resolves with its process. */
async function serveIn(ns: NodeNamespace, script: string, what: string): Promise<ChildProcess> {
  const [command, ...args] = ns.exec([process.execPath, '-e', script]);
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${what} in ${ns.name} exited (${String(code)}): ${err}`)));
  });
  return child;
}

/** An echo-once TCP server inside the namespace on its address; stop() kills it. */
export async function tcpServerIn(ns: NodeNamespace, port: number): Promise<{ child: ChildProcess; stop: () => void }> {
  const script = `require('node:net').createServer((c) => { c.on('error', () => {}); c.end('hello from ${ns.name}\\n'); }).listen(${port}, ${JSON.stringify(ns.address)}, () => console.log('listening'));`;
  const child = await serveIn(ns, script, 'server');
  return { child, stop: () => child.kill('SIGKILL') };
}

/** An HTTP server inside the namespace on its address answering 200 and the namespace's name; stop() kills it. */
export async function httpServerIn(ns: NodeNamespace, port: number): Promise<{ stop: () => void }> {
  const script = `require('node:http').createServer((q, r) => r.end('hello from ${ns.name}\\n')).listen(${port}, ${JSON.stringify(ns.address)}, () => console.log('listening'));`;
  const child = await serveIn(ns, script, 'HTTP server');
  return { stop: () => child.kill('SIGKILL') };
}

/** Whether a TCP connect to host:port succeeds: from this process, or from inside `from`. */
export async function tcpReaches(host: string, port: number, from?: NodeNamespace): Promise<boolean> {
  if (from === undefined) return dialHere(host, port);
  // bash's /dev/tcp rather than a Node process per dial: a tenth of the CPU on a busy 2-core box.
  const [command, ...args] = from.exec(['timeout', String(dialTimeoutMs / 1000), 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`]);
  return new Promise((resolve) => spawn(command!, args, { stdio: 'ignore' }).once('exit', (code) => resolve(code === 0)));
}

function dialHere(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(dialTimeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Namespaces and root-namespace links whose names carry this run id. */
export function leftoversOf(run: string): string[] {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`ztb-${run}-`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '').filter((n) => n.startsWith(`zt${run}`));
  return [...namespaces, ...links];
}

/** `ip -n NS -o link show DEV`: whether the device is administratively up. */
export function linkUp(ns: string, dev: string): boolean {
  const out = execFileSync('ip', ['-n', ns, '-o', 'link', 'show', dev], { encoding: 'utf8' });
  return /[<,]UP[,>]/.test(out);
}
