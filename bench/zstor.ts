// `bench zstor`: store and retrieve MB/s of the host zstor (compress, AES-GCM, k+m Reed–Solomon,
// metadata 2+2) over zdb server processes, against raw SET/GET of the same bytes to the same servers.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Args } from '../cli/args.js';
import { HostZstor, startLocalZstorCluster, type LocalZdb } from '../workers/host/zstor/index.js';
import { createNamespace } from '../workers/host/zstor/local-cluster.js';
import { removeDataDir, startZdb } from '../test/helpers/zdb-server.js';
import { benchMain } from './bench-main.js';
import { median } from './child-cpu.js';

export interface ZstorBench {
  /** File MB (10^6 bytes) per second through zstor, and through raw zdb SET/GET (the reference). */
  storeMBps: number;
  retrieveMBps: number;
  rawSetMBps: number;
  rawGetMBps: number;
  /** zstor / raw: what compression, encryption, erasure coding (+ m/k more bytes) and metadata cost. */
  storeRatio: number;
  retrieveRatio: number;
  /**
   * CPU (user + system, threadpool included) of this client process per MiB of file: steadier than
   * MB/s on a loaded machine. The servers' CPU is not in it.
   */
  cpuMsPerMiB: { store: number; retrieve: number; rawSet: number; rawGet: number };
  sizeMiB: number;
  dataShards: number;
  parityShards: number;
  entryBytes: number;
  rounds: number;
  fsync: boolean;
}

const MiB = 1024 * 1024;

/** A `zos-testbed zdb` process as the cluster sees it. */
async function processZdb(fsync: boolean): Promise<LocalZdb> {
  const zdb = await startZdb({ extraArgs: fsync ? [] : ['--no-fsync'] });
  return {
    port: zdb.port,
    address: `127.0.0.1:${zdb.port}`,
    stop: async () => void (await zdb.stop()),
    start: () => Promise.reject(new Error('not restartable in the bench')),
    destroy: async () => {
      await zdb.stop();
      removeDataDir(zdb.dataDir);
    },
  };
}

/** The same bytes cut into the same entry size, spread over the same servers, all in flight at once. */
async function rawRound(clients: readonly Redis[], bytes: Buffer, entryBytes: number): Promise<{ setS: number; getS: number; setCpuUs: number; getCpuUs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const writes: Promise<unknown>[] = [];
  for (let at = 0, i = 0; at < bytes.length; at += entryBytes, i++) writes.push(clients[i % clients.length]!.callBuffer('SET', '', bytes.subarray(at, at + entryBytes)));
  const keys = (await Promise.all(writes)) as Buffer[];
  const setS = (performance.now() - started) / 1000;
  const setCpu = process.cpuUsage(cpu);
  const read = performance.now();
  const readCpu = process.cpuUsage();
  const parts = (await Promise.all(keys.map((k, i) => clients[i % clients.length]!.callBuffer('GET', k)))) as Buffer[];
  const getS = (performance.now() - read) / 1000;
  const getCpu = process.cpuUsage(readCpu);
  if (!Buffer.concat(parts).equals(bytes)) throw new Error('raw zdb round trip differs');
  return { setS, getS, setCpuUs: setCpu.user + setCpu.system, getCpuUs: getCpu.user + getCpu.system };
}

export async function benchZstor(sizeMiB: number, k: number, m: number, rounds: number, entryBytes: number, fsync: boolean): Promise<ZstorBench> {
  // One server process starting at a time: ten tsx start-ups at once can miss the ready timeout on 2 busy cores.
  let queue: Promise<unknown> = Promise.resolve();
  const startOne = (): Promise<LocalZdb> => {
    const next = queue.then(() => processZdb(fsync));
    queue = next.catch(() => {});
    return next;
  };
  const cluster = await startLocalZstorCluster({ minimalShards: k, expectedShards: k + m, groupSizes: [k + m], startZdb: startOne });
  const zstor = new HostZstor(cluster.config, { entryBytes, seed: 'bench' });
  const servers = cluster.groups.flat();
  await Promise.all(servers.map((s) => createNamespace(s.address, 'raw', 'seq')));
  const clients = servers.map((s) => new Redis({ host: '127.0.0.1', port: s.port, protocol: 2, maxRetriesPerRequest: null, enableReadyCheck: false }));
  const mb = (sizeMiB * MiB) / 1e6;
  const t = { store: [] as number[], retrieve: [] as number[], set: [] as number[], get: [] as number[] };
  const cpu = { store: [] as number[], retrieve: [] as number[], rawSet: [] as number[], rawGet: [] as number[] };
  const cpuMs = (since: NodeJS.CpuUsage): number => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000 / sizeMiB;
  };
  try {
    await Promise.all(clients.map((c) => c.call('SELECT', 'raw')));
    // A warm-up round on a small file (not timed): JIT, connections and the addon loaded.
    await zstor.store('/warm', randomBytes(4 * MiB));
    await zstor.retrieve('/warm');
    await rawRound(clients, randomBytes(4 * MiB), entryBytes);
    for (let round = 0; round < rounds; round++) {
      // Fresh random bytes per round: incompressible (compression only costs), never a no-op SET.
      const bytes = randomBytes(sizeMiB * MiB);
      let at = performance.now();
      let used = process.cpuUsage();
      await zstor.store(`/bench-${round}`, bytes);
      t.store.push(mb / ((performance.now() - at) / 1000));
      cpu.store.push(cpuMs(used));
      at = performance.now();
      used = process.cpuUsage();
      const back = await zstor.retrieve(`/bench-${round}`);
      t.retrieve.push(mb / ((performance.now() - at) / 1000));
      cpu.retrieve.push(cpuMs(used));
      if (!back.equals(bytes)) throw new Error('zstor round trip differs');
      const raw = await rawRound(clients, bytes, entryBytes);
      t.set.push(mb / raw.setS);
      t.get.push(mb / raw.getS);
      cpu.rawSet.push(raw.setCpuUs / 1000 / sizeMiB);
      cpu.rawGet.push(raw.getCpuUs / 1000 / sizeMiB);
    }
  } finally {
    for (const c of clients) c.disconnect();
    zstor.close();
    await cluster.close();
  }
  const r2 = (n: number): number => Number(n.toFixed(2));
  const [storeMBps, retrieveMBps, rawSetMBps, rawGetMBps] = [median(t.store), median(t.retrieve), median(t.set), median(t.get)];
  return {
    storeMBps: r2(storeMBps),
    retrieveMBps: r2(retrieveMBps),
    rawSetMBps: r2(rawSetMBps),
    rawGetMBps: r2(rawGetMBps),
    storeRatio: Number((storeMBps / rawSetMBps).toFixed(3)),
    retrieveRatio: Number((retrieveMBps / rawGetMBps).toFixed(3)),
    cpuMsPerMiB: { store: r2(median(cpu.store)), retrieve: r2(median(cpu.retrieve)), rawSet: r2(median(cpu.rawSet)), rawGet: r2(median(cpu.rawGet)) },
    sizeMiB,
    dataShards: k,
    parityShards: m,
    entryBytes,
    rounds,
    fsync,
  };
}

await benchMain('zstor', {
  async run(args: Args) {
    const sizeMiB = args.number('size-mib', { min: 1, max: 1024, integer: true, default: 64 });
    const k = args.number('k', { min: 1, max: 24, integer: true, default: 4 });
    const m = args.number('m', { min: 0, max: 6, integer: true, default: 2 });
    const rounds = args.number('rounds', { min: 1, max: 99, integer: true, default: 3 });
    const entryKiB = args.number('entry-kib', { min: 1, max: 8192, integer: true, default: 2048 });
    const r = await benchZstor(sizeMiB, k, m, rounds, entryKiB * 1024, !args.boolean('no-fsync'));
    const human = [
      `zstor vs raw zdb: ${r.sizeMiB} MiB of random bytes × ${r.rounds} rounds (median), k=${r.dataShards} m=${r.parityShards}, ${r.entryBytes / 1024} KiB entries, ${r.dataShards + r.parityShards} zdb processes (fsync ${r.fsync ? 'per batch' : 'off'})`,
      `                      store/SET        retrieve/GET`,
      `  zstor               ${`${r.storeMBps} MB/s`.padEnd(16)} ${r.retrieveMBps} MB/s`,
      `  raw zdb (reference) ${`${r.rawSetMBps} MB/s`.padEnd(16)} ${r.rawGetMBps} MB/s   (same bytes, same servers, same run, unencoded)`,
      `  ratio               ${String(r.storeRatio).padEnd(16)} ${r.retrieveRatio}`,
      `  client CPU ms/MiB   zstor ${r.cpuMsPerMiB.store} / ${r.cpuMsPerMiB.retrieve}, raw ${r.cpuMsPerMiB.rawSet} / ${r.cpuMsPerMiB.rawGet}   (steadier than MB/s when the machine is loaded)`,
    ].join('\n');
    return { document: r, human };
  },
});
