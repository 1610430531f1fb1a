// A TCP listener inside a node's namespace for a server that lives in this process (the Web Gateway):
// a small Node process started with `ip netns exec` listens on the node's address and pipes each
// connection over a unix socket (paths are not per network namespace) to this process, which pipes
// it on to the server's loopback port. The listener is a process of the node, so a power-off
// (`ip netns pids`) kills it and the node's address stops answering, as a dead node's would.
// Leaves out the return leg: connections the server itself opens (to a gateway's backends) start in
// the root namespace, not in the node's.

import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { NodeNamespace } from './grid.js';
import { killScript, startScriptIn } from './script-process.js';

/** Exits when its stdin (our pipe) closes: no relay outlives its owner. */
const relayScript = [
  "const net = require('node:net'); const [addr, port, path] = process.argv.slice(1);",
  'const pipe = (a, b) => { a.pipe(b).pipe(a); a.on("error", () => b.destroy()); b.on("error", () => a.destroy()); };',
  'net.createServer((c) => pipe(c, net.connect(path))).listen(Number(port), addr, () => console.log("relay ready"));',
  'process.stdin.on("end", () => process.exit(0)); process.stdin.resume();',
].join('\n');

const readyTimeoutMs = 30_000;

export class NamespaceRelay {
  private constructor(private readonly child: ChildProcess, private readonly server: Server, private readonly socketPath: string, private readonly sockets: Set<Socket>) {}

  /** Listens on `ns.address:port` inside the namespace, forwarding to 127.0.0.1:`targetPort` here. */
  static async start(ns: NodeNamespace, port: number, targetPort: number, socketPath: string): Promise<NamespaceRelay> {
    rmSync(socketPath, { force: true });
    const sockets = new Set<Socket>();
    const server = createServer((inner) => {
      const outer = connect(targetPort, '127.0.0.1');
      for (const s of [inner, outer]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      }
      inner.pipe(outer).pipe(inner);
      inner.on('error', () => outer.destroy());
      outer.on('error', () => inner.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    let child: ChildProcess;
    try {
      child = await startScriptIn(ns, relayScript, [ns.address, String(port), socketPath], { what: `relay in ${ns.name} ${ns.address}:${port}`, readyTimeoutMs, stdinPipe: true });
    } catch (error) {
      server.close();
      throw error;
    }
    return new NamespaceRelay(child, server, socketPath, sockets);
  }

  async stop(): Promise<void> {
    await killScript(this.child);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }
}
