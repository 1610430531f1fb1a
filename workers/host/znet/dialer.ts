// How the owner process (the gateway, a test) opens TCP connections to Z-Net addresses: its sockets
// live in the root namespace, which has no route into any Z-Net. A small relay runs inside a network
// resource's namespace and listens on a unix socket; each connection starts with one line "HOST PORT",
// after which the relay connects from inside the NR (through its WireGuard) and pipes both ways. This is
// how zos's gateway reaches a private backend: from the network resource it joined (DOMAIN: gateways
// with `network`). Leaves out connection limits: one relay process per NR, a socket per connection.

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { isRunning, killScript, startScriptIn } from '../netns/script-process.js';
import type { NodeNamespace } from './node-namespace.js';

/** Where the relays' sockets live (beside the netns owner records under /run/zos-testbed). */
export const dialerSocketDir = '/run/zos-testbed/znet';
const startTimeoutMs = 20_000;

const relayCode = `const net=require('node:net');const fs=require('node:fs');const path=process.argv[1];
try{fs.unlinkSync(path)}catch{}
net.createServer((c)=>{let head='';c.on('error',()=>{});const onData=(d)=>{head+=d.toString('latin1');const nl=head.indexOf('\\n');if(nl<0){if(head.length>300)c.destroy();return;}
c.off('data',onData);c.pause();const [h,p]=head.slice(0,nl).trim().split(' ');const rest=Buffer.from(head.slice(nl+1),'latin1');
const u=net.connect({host:h,port:Number(p)},()=>{if(rest.length>0)u.write(rest);c.pipe(u);u.pipe(c);c.resume();});
u.on('error',()=>c.destroy());c.on('close',()=>u.destroy());u.on('close',()=>c.destroy());};c.on('data',onData);})
.listen(path,()=>{fs.chmodSync(path,0o600);console.log('ready');});`;

export class NamespaceDialer {
  private constructor(readonly socketPath: string, private readonly child: ChildProcess) {}

  /** Starts the relay inside `ns` (an NR's or a machine's namespace). */
  static async start(ns: NodeNamespace, socketPath: string): Promise<NamespaceDialer> {
    mkdirSync(dialerSocketDir, { recursive: true, mode: 0o700 });
    const child = await startScriptIn(ns, relayCode, [socketPath], { what: `dialer in ${ns.name}`, readyTimeoutMs: startTimeoutMs });
    return new NamespaceDialer(socketPath, child);
  }

  /**
   * A socket to host:port as seen from inside the namespace, returned at once (usable as http's
   * `createConnection`); it errors if the relay cannot connect.
   */
  connect(host: string, port: number): Socket {
    const socket = connect(this.socketPath);
    socket.write(`${host} ${port}\n`);
    return socket;
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  async stop(): Promise<void> {
    await killScript(this.child);
    if (existsSync(this.socketPath)) rmSync(this.socketPath, { force: true });
  }
}
