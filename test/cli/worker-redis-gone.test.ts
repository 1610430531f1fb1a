// A worker whose Redis is gone stops on its first SIGTERM: a graceful close would wait for Redis
// forever (BullMQ's QUIT and our reply listener's pop sit in ioredis's offline queue), so it closes
// without handing jobs back and exits 0 by itself, where before it needed a second signal.
import { spawn } from 'node:child_process';
import test from 'ava';
import { builtBinary, repoRoot } from '../helpers/cli.js';
import { startRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

/** Far beyond what the stop takes: only a worker that would never stop is killed by it. */
const KILL_AFTER_MS = 25_000;

test('SIGTERM with Redis gone: the worker says so and exits 0 without a second signal', async (t) => {
  t.timeout(60_000);
  const redis = await startRedis();
  const child = spawn(process.execPath, [builtBinary(), 'worker', '--redis', redis.url, '--backend', 'sim'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitUntil('the worker ready', () => stderr, { until: (text) => text.includes('worker: ready'), timeoutMs: 20_000 });
    await redis.stop();
    await waitUntil('the worker to notice', () => stderr, { until: (text) => /ECONNREFUSED|lost Redis/.test(text), timeoutMs: 20_000 });
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    const end = await exited;
    clearTimeout(killer);
    t.deepEqual(end, { code: 0, signal: null }, stderr);
    t.regex(stderr, /SIGTERM received; stopping/);
    t.regex(stderr, /Redis is unreachable: stopping without handing jobs back/);
  } finally {
    child.kill('SIGKILL');
  }
});
