// Outbound TCP from inside a node's namespace for code that runs in this process (a gateway's backend
// leg, a client that must start where the node is): a small Node process started with `ip netns exec`
// accepts connections on a unix socket (paths are not per network namespace), reads one line
// `HOST PORT`, dials from inside the namespace, answers `ok` or `error MESSAGE`, then pipes bytes.
// A process of the node: a power-off kills it, and a dead node dials nothing.
// Leaves out UDP.

import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { NodeNamespace } from './grid.js';
import { killScript, startScriptIn } from './script-process.js';

const dialerScript = [
  "const net = require('node:net'); const path = process.argv[1];",
  'const server = net.createServer((c) => {',
  '  let head = Buffer.alloc(0);',
  '  const onData = (chunk) => {',
  '    head = Buffer.concat([head, chunk]); const nl = head.indexOf(10); if (nl < 0) return;',
  '    c.off("data", onData); c.pause();',
  '    const [host, port] = head.subarray(0, nl).toString().split(" "); const rest = head.subarray(nl + 1);',
  '    const out = net.connect(Number(port), host); let connected = false;',
  '    out.once("connect", () => { connected = true; c.write("ok\\n"); if (rest.length > 0) out.write(rest); c.pipe(out).pipe(c); c.resume(); });',
  '    out.once("error", (e) => { if (connected) c.destroy(); else c.end("error " + e.message + "\\n"); });',
  '    c.on("error", () => out.destroy()); c.on("close", () => out.destroy());',
  '  };',
  '  c.on("data", onData); c.on("error", () => {});',
  '});',
  'server.listen(path, () => console.log("dialer ready"));',
  'process.stdin.on("end", () => process.exit(0)); process.stdin.resume();',
].join('\n');

const readyTimeoutMs = 30_000;

export class NamespaceDialer {
  private constructor(private readonly child: ChildProcess, readonly socketPath: string, readonly ns: NodeNamespace) {}

  static async start(ns: NodeNamespace, socketPath: string): Promise<NamespaceDialer> {
    rmSync(socketPath, { force: true });
    const child = await startScriptIn(ns, dialerScript, [socketPath], { what: `dialer in ${ns.name}`, readyTimeoutMs, stdinPipe: true });
    return new NamespaceDialer(child, socketPath, ns);
  }

  /** A socket connected to host:port from inside the namespace; rejects with the dial's error. */
  dial(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      let head = Buffer.alloc(0);
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const nl = head.indexOf(10);
        if (nl < 0) return;
        socket.off('data', onData);
        socket.off('error', fail);
        socket.off('close', onClose);
        const line = head.subarray(0, nl).toString();
        if (line !== 'ok') return fail(new Error(`dial ${host}:${port} from ${this.ns.name}: ${line.replace(/^error /, '')}`));
        // Held until the caller has had its turn to listen: bytes that came with `ok` (a server that
        // speaks first) would otherwise be emitted to nobody.
        socket.pause();
        const rest = head.subarray(nl + 1);
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
        setImmediate(() => socket.resume());
      };
      const onClose = () => fail(new Error(`dial ${host}:${port} from ${this.ns.name}: the dialer is gone (node off?)`));
      socket.on('data', onData);
      socket.once('error', fail);
      socket.once('close', onClose);
      socket.write(`${host} ${port}\n`);
    });
  }

  async stop(): Promise<void> {
    await killScript(this.child);
    rmSync(this.socketPath, { force: true });
  }
}
