// A private redis-server for one ava test file: a free port, no persistence, gone when the file ends.
// Leaves out clustering, auth and sharing a server between files; tests that need those set them up.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestFn } from 'ava';

export interface PrivateRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`, for clients that take a URL. */
  readonly url: string;
  /** Stops the server and waits until it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

const host = '127.0.0.1';
const readyLine = 'Ready to accept connections';
const portTakenLine = 'Address already in use';
const portAttempts = 5;
const readyTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;

// redis runs in the foreground under this shell, never daemonized. The shell blocks reading our stdin
// pipe; when the pipe closes (stop(), or this process dying, even by kill -9) it kills redis, so no
// test run can leave a server behind.
const watchdog =
  'command -v redis-server >/dev/null || { echo "redis-server not on PATH (apt-get install -y redis-server)" >&2; exit 127; }; ' +
  'redis-server "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid';

/** Starts a private server, retrying on a new port when another process took ours in the meantime. */
export async function startRedis(): Promise<PrivateRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < portAttempts; attempt++) {
    try {
      return await launchOn(await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** Glue for ava: one server per test file in `t.context.redis`, stopped after the last test. */
export function useRedis<Context extends { redis: PrivateRedis }>(test: TestFn<Context>): void {
  test.before(async (t) => {
    t.context.redis = await startRedis();
  });
  test.after.always(async (t) => {
    // The context field is unset when start failed; the before hook already reported why.
    await (t.context.redis as PrivateRedis | undefined)?.stop();
  });
}

class PortTakenError extends Error {}

/** A port the kernel just handed out. Another process may grab it before redis does; we retry then. */
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

function launchOn(port: number): Promise<PrivateRedis> {
  const child = spawn(
    'sh',
    ['-c', watchdog, 'redis-watchdog', '--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'],
    // Its own process group, so the last-resort SIGKILL in stop() reaches redis as well as the shell.
    { stdio: 'pipe', detached: true },
  );
  return waitUntilReady(child, port).then(() => handle(child, port));
}

/** Resolves on redis's ready line; rejects on a taken port, an early exit, or a timeout. */
function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining output afterwards, so that redis never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error === undefined) return resolve();
      killNow(child);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes(portTakenLine)) finish(new PortTakenError(`port ${port} was taken`));
      else if (log.includes(readyLine)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`redis-server exited before it was ready (code ${code}): ${log.trim()}`));
    const timer = setTimeout(
      () => finish(new Error(`redis-server was not ready after ${readyTimeoutMs} ms: ${log.trim()}`)),
      readyTimeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function handle(child: ChildProcess, port: number): PrivateRedis {
  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `redis://${host}:${port}`,
    stop: () => (stopping ??= stopGracefully(child)),
  };
}

/** Closing stdin makes the watchdog kill redis; SIGKILL is the fallback if that takes too long. */
async function stopGracefully(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  // ref: false, or this pending timer alone would keep the ava worker alive for 5 s (TOOLCHAIN gotcha 10).
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
    timer.unref();
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    killNow(child);
    await exited;
  }
}

function killNow(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone; nothing is left to kill.
  }
}
