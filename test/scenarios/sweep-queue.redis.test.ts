// Sweeps over BullMQ: two `sweep --serve` processes on a private redis-server run the points, and
// sweep.csv comes out byte-identical to the one made on local worker threads.

import anyTest, { type TestFn } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseParams } from '../../scenarios/sweep-params.js';
import { planSweep } from '../../scenarios/sweep-plan.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import { runSweepTasksOnQueue, serveSweepTasks } from '../../scenarios/sweep-queue.js';
import { summarizeSweep, sweepCsv } from '../../reports/sweep-csv.js';
import { defaultSlo, parseSlo } from '../../reports/sweep-slo.js';
import { builtBinary, cli, repoRoot } from '../helpers/cli.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis; servers: ChildProcess[] }>;
useRedis(test);

function startServer(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [builtBinary(), 'sweep', '--serve', '--redis', url], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('sweep worker: ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`sweep --serve exited with ${code}: ${err}`)));
  });
}

/** SIGTERM, and SIGKILL if a server has not exited within 8 s; always before Redis is stopped. */
function stopServers(servers: readonly ChildProcess[]): Promise<void[]> {
  return Promise.all(
    servers.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      const hard = setTimeout(() => c.kill('SIGKILL'), 8000);
      c.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      c.kill('SIGTERM');
    })),
  );
}

test.after.always(async (t) => {
  await stopServers(t.context.servers ?? []);
});

test('sweep --redis writes the same sweep.csv bytes as local worker threads', async (t) => {
  // Started here, not in a hook: ava runs before-hooks concurrently, so the server may not exist yet.
  t.context.servers = await Promise.all([startServer(t.context.redis.url), startServer(t.context.redis.url)]);
  const param = 'grid.farms[0].nodes[0].count=5,15;durationS=1h,2h';
  const plan = planSweep('farm-partition', parseParams(param), 2);
  const local = sweepCsv(plan, summarizeSweep(plan, await runSweepTasks(plan.tasks, 1), parseSlo(defaultSlo)));
  const dir = mkdtempSync(join(tmpdir(), 'sweep-redis-'));
  const r = await cli('sweep', 'farm-partition', '--param', param, '--seeds', '2', '--redis', t.context.redis.url, '--out', dir, '--json');
  await stopServers(t.context.servers);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /on the zos-sweep queue/);
  t.is(readFileSync(join(dir, 'sweep.csv'), 'utf8'), local);
});

test('more than ten points over Redis add one listener per event kind: no MaxListenersExceededWarning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  // A served queue of its own, in this process: the warning would be raised here, by the sweeping side.
  const queue = 'zos-sweep-many';
  const server = serveSweepTasks(t.context.redis.url, queue);
  t.teardown(() => server.close());
  await server.ready();
  const plan = planSweep('farm-partition', parseParams('durationS=1h,2h,3h,4h,5h,6h;grid.farms[0].nodes[0].count=5,6'), 1);
  t.is(plan.tasks.length, 12);
  let done = 0;
  const results = await runSweepTasksOnQueue(plan.tasks, t.context.redis.url, (n) => (done = n), queue);
  t.is(done, 12);
  t.deepEqual(results.map((r) => r.index), plan.tasks.map((task) => task.index));
  t.deepEqual(results, await runSweepTasks(plan.tasks, 1), 'the same metrics as a local run');
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(warnings.map((w) => w.name), []);
});
