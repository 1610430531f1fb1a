// A real `zos-testbed zdb` server process for one test: port 0 (the kernel picks a free one, read
// back from the ready line), a temporary data dir, and a watchdog so no server outlives its test.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { builtBinary, repoRoot } from './cli.js';

export interface ZdbProcess {
  readonly port: number;
  /** The node process serving (not the watchdog shell): the one to SIGTERM or kill -9. */
  readonly pid: number;
  readonly dataDir: string;
  /** Everything the server printed on stdout so far (it should print nothing). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the server's exit code once it has exited (137 after kill -9). */
  readonly exited: Promise<number>;
  signal(name: NodeJS.Signals): void;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number>;
}

// The shell runs the server, prints its pid, and kills it when our stdin pipe closes, which happens
// when the test file's process ends for any reason, kill -9 included.
// A background job's stdin is /dev/null unless redirected, hence fd 3.
const watchdog =
  'exec 3<&0; "$@" & pid=$!; echo "zdb-pid $pid" >&2; { cat <&3 >/dev/null; kill -9 $pid 2>/dev/null; } & w=$!; ' +
  'wait $pid; code=$?; kill $w 2>/dev/null; exit $code';

export function tempDataDir(label = 'zdb'): string {
  return mkdtempSync(join(tmpdir(), `zos-testbed-${label}-`));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts a server on `dataDir` (a fresh temporary one by default) and waits for its ready line. */
export async function startZdb(options: { dataDir?: string; extraArgs?: string[] } = {}): Promise<ZdbProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const args = [builtBinary(), 'zdb', '--port', '0', '--data-dir', dataDir, ...(options.extraArgs ?? [])];
  const child = spawn('sh', ['-c', watchdog, 'zdb-watchdog', process.execPath, ...args], { cwd: repoRoot, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  const { port, pid } = await waitReady(child, () => err, exited).catch((error: unknown) => {
    // Nobody will stop what never became ready: the watchdog kills the server when stdin closes.
    child.stdin!.end();
    if (options.dataDir === undefined) removeDataDir(dataDir);
    throw error;
  });
  return {
    port,
    pid,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    exited,
    signal: (name) => {
      try {
        process.kill(pid, name);
      } catch {
        // Already gone.
      }
    },
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone; the exit code is known.
      }
      const code = await exited;
      child.stdin!.end();
      return code;
    },
  };
}

function waitReady(child: ChildProcess, stderr: () => string, exited: Promise<number>): Promise<{ port: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`zdb not ready after 20 s: ${stderr()}`)), 20_000);
    timer.unref();
    const check = (): void => {
      const ready = /zdb: ready on [^\s]+:(\d+)/.exec(stderr());
      const pid = /zdb-pid (\d+)/.exec(stderr());
      if (ready !== null && pid !== null) {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        resolve({ port: Number(ready[1]), pid: Number(pid[1]) });
      }
    };
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`zdb exited (${code}) before it was ready: ${stderr()}`));
    });
  });
}

/** An ioredis client that fails fast instead of reconnecting forever (tests want the error). */
export function client(port: number): Redis {
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  // Tests that kill the server see the failures on their commands; the event would only add noise.
  redis.on('error', () => {});
  return redis;
}

/** Runs a command and returns its reply, or the error text when the server refused it. */
export async function reply(redis: Redis, ...args: (string | Buffer | number)[]): Promise<unknown> {
  try {
    return await redis.call(String(args[0]), ...args.slice(1));
  } catch (error) {
    return { error: (error as Error).message };
  }
}
