// A private redis-server for one run (`apply --transport bullmq` without --redis, benchmarks, tests):
// a free loopback port, gone when stopped or when this process dies. Leaves out auth and clustering.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface PrivateRedisOptions {
  /** Default: a free port. A restart passes the old one, so clients reconnect to the same address. */
  readonly port?: number;
  /** Append-only persistence into `dir` (fsync on every write), for tests that restart the server. */
  readonly appendOnlyDir?: string;
}

export interface PrivateRedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM: a clean shutdown that flushes the append-only file) and waits. */
  stop(): Promise<void>;
}

const host = '127.0.0.1';
const readyTimeoutMs = 10_000;

// redis runs under this shell, never daemonized; the shell blocks on our stdin pipe and kills redis
// when the pipe closes, which also happens when this process dies, even by SIGKILL.
const watchdog =
  'command -v redis-server >/dev/null || { echo "redis-server not on PATH (apt-get install -y redis-server)" >&2; exit 127; }; ' +
  'redis-server "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid';

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
  let lastError: unknown;
  // A free port may be taken by another process before redis binds it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, options);
    } catch (error) {
      lastError = error;
      if (options.port !== undefined || !String((error as Error).message).includes('Address already in use')) throw error;
    }
  }
  throw lastError;
}

function launch(port: number, options: PrivateRedisOptions): Promise<PrivateRedisServer> {
  const persistence = options.appendOnlyDir === undefined
    ? ['--save', '', '--appendonly', 'no']
    : ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.appendOnlyDir];
  const child = spawn('sh', ['-c', watchdog, 'redis-watchdog', '--port', String(port), '--bind', host, ...persistence], {
    stdio: 'pipe',
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining, so redis never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error === undefined) return resolve({ port, url: `redis://${host}:${port}`, stop: once(() => stop(child)) });
      kill(child);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Address already in use')) done(new Error(`redis-server: port ${port}: Address already in use`));
      else if (log.includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null): void => done(new Error(`redis-server exited before it was ready (code ${code}): ${log.trim()}`));
    const timer = setTimeout(() => done(new Error(`redis-server was not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  // unref: a pending timer alone would keep the process alive (TOOLCHAIN gotcha 10).
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 5_000);
    timer.unref();
  });
  if ((await Promise.race([exited.then(() => 'exited' as const), late])) === 'late') {
    kill(child);
    await exited;
  }
  clearTimeout(timer);
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('listen on port 0 gave no port'))));
    });
  });
}
