// CoreX at a machine's Z-Net address: in zos, corex runs inside the container and listens on every
// address of it, port 7681 (threefoldtech/corex src/server.c main: info.port = 7681). Ours is served
// by the owner process, which cannot bind inside the machine's network namespace; so a small relay runs
// in that namespace, listens on <Z-Net address>:7681 and pipes each connection to the CoreX server's
// unix socket (unix sockets are reached by path across network namespaces). Same pattern as the Z-Net
// dialer (workers/host/znet/dialer.ts), the other way round. Leaves out IPv6 and the planetary address.

import type { ChildProcess } from 'node:child_process';
import { isRunning, killScript, startScriptIn } from '../netns/script-process.js';
import type { NodeNamespace } from '../znet/node-namespace.js';

const startTimeoutMs = 20_000;

const relayCode = `const net=require('node:net');const [h,p,path]=process.argv.slice(1);
net.createServer((c)=>{c.on('error',()=>{});const u=net.connect(path);u.on('error',()=>c.destroy());
c.pipe(u);u.pipe(c);c.on('close',()=>u.destroy());u.on('close',()=>c.destroy());})
.on('error',(e)=>{console.error(e.message);process.exit(3);})
.listen({host:h,port:Number(p)},()=>console.log('ready'));`;

export class ZnetListener {
  private constructor(private readonly child: ChildProcess) {}

  /** Listens on `ns.address`:`port` inside `ns`, forwarding to `socketPath`; resolves once it listens. */
  static async start(ns: NodeNamespace, port: number, socketPath: string): Promise<ZnetListener> {
    const child = await startScriptIn(ns, relayCode, [ns.address, String(port), socketPath], { what: `corex listener in ${ns.name} on ${ns.address}:${port}`, readyTimeoutMs: startTimeoutMs });
    // An idle CoreX must not hold a worker open (as CorexServer.unref).
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    return new ZnetListener(child);
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  stop(): Promise<void> {
    return killScript(this.child);
  }
}
