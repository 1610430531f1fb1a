// `zos-testbed worker` processes for BullMQ tests, started as a user would start them, and killed
// (gracefully or by SIGKILL) on demand. Each resolves once it printed its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import { builtBinary, repoRoot } from './cli.js';

export interface WorkerProcess {
  readonly pid: number;
  /** Everything it printed on stderr so far. */
  readonly log: () => string;
  /** SIGKILL now: no cleanup, its jobs stay locked until the lock expires. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for it to finish its jobs and exit. */
  stop(): Promise<void>;
}

export interface WorkerFlags {
  readonly concurrency?: number;
  readonly lockMs?: number;
  readonly queue?: string;
}

export async function startWorker(redisUrl: string, flags: WorkerFlags = {}): Promise<WorkerProcess> {
  const argv = [builtBinary(), 'worker', '--redis', redisUrl, '--backend', 'sim'];
  if (flags.concurrency !== undefined) argv.push('--concurrency', String(flags.concurrency));
  if (flags.lockMs !== undefined) argv.push('--lock-ms', String(flags.lockMs));
  if (flags.queue !== undefined) argv.push('--queue', flags.queue);
  const child = spawn(process.execPath, argv, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after 20 s: ${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('worker: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (code ${code}) before it was ready: ${stderr}`));
    });
  });
  return {
    pid: child.pid!,
    log: () => stderr,
    kill: () => ended(child, 'SIGKILL'),
    stop: () => ended(child, 'SIGTERM'),
  };
}

/**
 * A safety net: a worker that has not exited this long after the signal is sent SIGKILL, so that no
 * test file is left unable to exit (a worker with its Redis gone stops by itself: worker-redis-gone.test.ts).
 */
const STOP_GRACE_MS = 10_000;

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  escalate.unref();
  return exited.finally(() => clearTimeout(escalate));
}
