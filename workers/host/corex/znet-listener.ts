// CoreX at a machine's Z-Net address: in zos, corex runs inside the container and listens on every
// address of it, port 7681 (threefoldtech/corex src/server.c main: info.port = 7681). Ours is served
// by the owner process, which cannot bind inside the machine's network namespace; so a small relay runs
// in that namespace, listens on <Z-Net address>:7681 and pipes each connection to the CoreX server's
// unix socket (unix sockets are reached by path across network namespaces). Same pattern as the Z-Net
// dialer (workers/host/znet/dialer.ts), the other way round. Leaves out IPv6 and the planetary address.

import { spawn, type ChildProcess } from 'node:child_process';
import type { NodeNamespace } from '../znet/node-namespace.js';

const startTimeoutMs = 20_000;

const relayCode = `const net=require('node:net');const [h,p,path]=process.argv.slice(1);
net.createServer((c)=>{c.on('error',()=>{});const u=net.connect(path);u.on('error',()=>c.destroy());
c.pipe(u);u.pipe(c);c.on('close',()=>u.destroy());u.on('close',()=>c.destroy());})
.on('error',(e)=>{console.error(e.message);process.exit(3);})
.listen({host:h,port:Number(p)},()=>console.log('ready'));`;

export class ZnetListener {
  private constructor(private readonly child: ChildProcess, private readonly exited: Promise<void>) {}

  /** Listens on `ns.address`:`port` inside `ns`, forwarding to `socketPath`; resolves once it listens. */
  static async start(ns: NodeNamespace, port: number, socketPath: string): Promise<ZnetListener> {
    const [file, ...args] = ns.exec([process.execPath, '-e', relayCode, ns.address, String(port), socketPath]);
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += String(d)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`corex listener in ${ns.name}: not listening after ${startTimeoutMs / 1000} s`)), startTimeoutMs);
      child.stdout!.once('data', () => (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`corex listener in ${ns.name} on ${ns.address}:${port} exited (${code}): ${err.trim()}`))));
    });
    // An idle CoreX must not hold a worker open (as CorexServer.unref).
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    return new ZnetListener(child, exited);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
