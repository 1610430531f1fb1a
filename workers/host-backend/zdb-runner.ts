// How a host node runs its 0-db server: in this process (fast to start; a power-off closes it), or as
// a `zos-testbed zdb` child process, so a crash is a real SIGKILL and recovery reads what reached disk.
// Both keep the port of their first start, so clients and zstor configs stay valid across cycles.
// With a node namespace (network 'netns') the process runs inside it, bound to the node's address at
// 0-db's port; in-process, a NamespaceRelay listens there instead and pipes to the server here.

import { spawn, type ChildProcess } from 'node:child_process';
import { entryArgs, projectPath } from '../../sim/project-files.js';
import { NamespaceRelay, type NodeNamespace } from '../host/netns/index.js';
import { ZdbHostServer } from '../host/zdb/server.js';

export type ZdbMode = 'in-process' | 'process';

export interface ZdbRunner {
  /** Starts on `port` (0: any free one); answers the port bound. */
  start(port: number): Promise<number>;
  /** `kill`: SIGKILL for a process (no flush); in-process the server is closed either way. */
  stop(kill: boolean): Promise<void>;
}

/** Where a node with a namespace answers: inside it, and the unix socket its relay pipes through. */
export interface ZdbNamespace {
  readonly ns: NodeNamespace;
  readonly relaySocketPath: string;
}

export function zdbRunner(mode: ZdbMode, dataDir: string, fsync: boolean, netns?: ZdbNamespace): ZdbRunner {
  return mode === 'process' ? new ProcessZdb(dataDir, fsync, netns?.ns) : new InProcessZdb(dataDir, fsync, netns);
}

class InProcessZdb implements ZdbRunner {
  private server: ZdbHostServer | undefined;
  private relay: NamespaceRelay | undefined;

  constructor(private readonly dataDir: string, private readonly fsync: boolean, private readonly netns: ZdbNamespace | undefined) {}

  /** With a namespace, `port` is the one on the node's address; the server here takes any loopback port. */
  async start(port: number): Promise<number> {
    const server = new ZdbHostServer({ dataDir: this.dataDir, port: this.netns === undefined ? port : 0, fsync: this.fsync, onError: () => {} });
    const bound = (await server.listen()).port;
    this.server = server;
    if (this.netns === undefined) return bound;
    try {
      this.relay = await NamespaceRelay.start(this.netns.ns, port, bound, this.netns.relaySocketPath);
    } catch (error) {
      await this.stop();
      throw error;
    }
    return port;
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    this.relay = undefined;
    await this.server?.close();
    this.server = undefined;
  }
}

const repoRoot = projectPath('');

// The shell runs the server and kills it when our stdin pipe closes: no 0-db outlives this process,
// whichever way it ends (kill -9 included). A background job's stdin is /dev/null, hence fd 3.
const watchdog = 'exec 3<&0; "$@" & pid=$!; echo "zdb-pid $pid" >&2; { cat <&3 >/dev/null; kill -9 $pid 2>/dev/null; } & w=$!; wait $pid; code=$?; kill $w 2>/dev/null; exit $code';

class ProcessZdb implements ZdbRunner {
  private child: ChildProcess | undefined;
  private pid = 0;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string, private readonly fsync: boolean, private readonly ns: NodeNamespace | undefined) {}

  async start(port: number): Promise<number> {
    const bind = this.ns === undefined ? [] : ['--bind', this.ns.address];
    const args = [...entryArgs('cli/main'), 'zdb', '--port', String(port), ...bind, '--data-dir', this.dataDir, ...(this.fsync ? [] : ['--no-fsync'])];
    const argv = ['sh', '-c', watchdog, 'zdb-watchdog', process.execPath, ...args];
    const [command, ...rest] = this.ns === undefined ? argv : this.ns.exec(argv);
    const child = spawn(command!, rest, { cwd: repoRoot, stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let err = '';
    const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`zdb on ${this.dataDir} not ready after 30 s: ${err}`)), 30_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const bound = /zdb: ready on [^\s]+:(\d+)/.exec(err);
        const pid = /zdb-pid (\d+)/.exec(err);
        if (bound !== null && pid !== null) {
          clearTimeout(timer);
          resolve({ port: Number(bound[1]), pid: Number(pid[1]) });
        }
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`zdb on ${this.dataDir} exited before it was ready: ${err}`));
      });
    });
    this.pid = ready.pid;
    return ready.port;
  }

  async stop(kill: boolean): Promise<void> {
    if (this.child === undefined) return;
    try {
      process.kill(this.pid, kill ? 'SIGKILL' : 'SIGTERM');
    } catch {
      // Already gone.
    }
    await this.exited;
    this.child.stdin!.end();
    this.child = undefined;
  }
}
