// The host zstor against data backends that are real `zos-testbed zdb` processes: a backend killed
// with SIGKILL mid-life is a missing shard, and the file still reads byte for byte.

import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { HostZstor, startInProcessZdb, startLocalZstorCluster, type LocalZdb } from '../../workers/host/zstor/index.js';
import { removeDataDir, startZdb, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn;
const parentDir = existsSync('/dev/shm') ? '/dev/shm' : undefined;

/** A zdb process as the cluster sees it; `kill` is SIGKILL, which no server can tidy up after. */
function asLocal(zdb: ZdbProcess): LocalZdb & { kill(): Promise<void>; signal(name: NodeJS.Signals): void } {
  return {
    port: zdb.port,
    address: `127.0.0.1:${zdb.port}`,
    stop: async () => void (await zdb.stop()),
    start: () => Promise.reject(new Error('a killed zdb process is not restarted here')),
    destroy: async () => {
      await zdb.stop();
      removeDataDir(zdb.dataDir);
    },
    signal: (name) => zdb.signal(name),
    kill: async () => {
      zdb.signal('SIGKILL');
      await zdb.exited;
    },
  };
}

test('2+1 over three zdb processes: a hung one costs the op timeout, one killed (SIGKILL) still reads, two killed is lost', async (t) => {
  const processes: ReturnType<typeof asLocal>[] = [];
  // The three data backends are processes (started first); the metadata ones stay in-process to keep the test fast.
  let started = 0;
  const start = async (): Promise<LocalZdb> => {
    if (started++ >= 3) return startInProcessZdb({ parentDir });
    const p = asLocal(await startZdb({ extraArgs: ['--no-fsync'] }));
    processes.push(p);
    return p;
  };
  const c = await startLocalZstorCluster({ minimalShards: 2, expectedShards: 3, groupSizes: [3], startZdb: start });
  const z = new HostZstor(c.config, { opTimeoutS: 2, entryBytes: 64 * 1024, seed: 'process-test', healthTtlS: 0 });
  t.teardown(async () => {
    z.close();
    await c.close();
  });
  t.is(processes.length, 3);
  const bytes = randomBytes(700 * 1024);
  const stored = await z.store('/proc', bytes);
  // A hung server (SIGSTOP) answers nothing: its shard costs zstor's operation timeout, then parity stands in.
  const hung = processes.find((p) => stored.backends[0]!.startsWith(`${p.address}/`))!;
  hung.signal('SIGSTOP');
  const hungAt = performance.now();
  t.true((await z.retrieve('/proc')).equals(bytes));
  const tookS = (performance.now() - hungAt) / 1000;
  hung.signal('SIGCONT');
  t.true(tookS >= 1.9 && tookS < 10, `retrieve past a hung data shard took ${tookS.toFixed(1)} s, expected ~ the 2 s timeout`);
  await processes[0]!.kill();
  t.true((await z.retrieve('/proc')).equals(bytes));
  const report = await z.check('/proc');
  t.is(report.state, 'degraded');
  t.is(report.shards.filter((s) => !s.ok).length, 1);
  await processes[1]!.kill();
  const error = await t.throwsAsync(() => z.retrieve('/proc'), { instanceOf: ZstorError });
  t.is(error.reason, 'unreadable');
});
