// Redis restarted mid-run with append-only persistence (a server this test starts itself): queued
// jobs, calls and replies survive, clients reconnect, and the run ends as it does in-process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startPrivateRedis, type PrivateRedisServer } from '../../scheduler/transports/bullmq/index.js';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { countingBackend, opsFile, runOps } from '../helpers/bullmq-runs.js';

let redis: PrivateRedisServer | undefined;
let dir: string | undefined;
const workers: WorkerProcess[] = [];

test.after.always(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

test('a Redis restart with appendonly yes loses no accepted operation', async (t) => {
  dir = await mkdtemp(join(tmpdir(), 'zt-aof-'));
  redis = await startPrivateRedis({ appendOnlyDir: dir });
  const { port, url } = redis;
  const queue = 'aof';
  workers.push(...(await Promise.all([1, 2].map(() => startWorker(url, { queue, concurrency: 64, lockMs: 2000 })))));
  const ops = opsFile('zdb-traffic.json');
  const expected = await runOps(ops);

  let calls = 0;
  let restartedMidRun = false;
  // Mid-run (jobs queued, some active, replies in flight), stop the server and start it again on
  // the same port from its append-only file. The sixth call waits for the restart, so the rest of
  // the run, its reply included, has to cross it whatever the machine's load.
  const onCall = (): Promise<void> | undefined => {
    if (++calls !== 6) return undefined;
    return (async () => {
      await redis!.stop();
      redis = await startPrivateRedis({ port, appendOnlyDir: dir! });
      restartedMidRun = true;
    })();
  };
  const report = await runOps(ops, { wrap: (b) => countingBackend(b, new Map(), onCall), bullmq: { redisUrl: url, queue, localWorkers: 0 } });
  // The run needs Redis for every call, so it cannot have finished while the server was down.
  t.true(restartedMidRun, 'the server was back before the run ended');
  t.is(report.stateHash, expected.stateHash);
  t.deepEqual(report.results, expected.results);
});
