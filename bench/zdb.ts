// `bench zdb`: SET and GET ops/s of our real 0-db server (fsync per batch, and without fsync)
// against private redis-servers (no persistence; AOF fsync always) in the same run, same client;
// then RSS per key at N keys, and unpipelined ops/s of many clients against redis-server.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { Args } from '../cli/args.js';
import { startRedis } from '../test/helpers/redis.js';
import { removeDataDir, startZdb, tempDataDir } from '../test/helpers/zdb-server.js';
import { benchMain } from './bench-main.js';
import { median } from './child-cpu.js';
import { memoryAtKeys, unpipelined, type ConcurrentRates, type MemoryResult } from './zdb-load.js';

interface Rates {
  setOpsPerS: number;
  getOpsPerS: number;
}

export interface ZdbBench {
  zdb: Rates;
  zdbNoFsync: Rates;
  /** redis-server without persistence, as the test helper starts it. */
  redis: Rates;
  /** redis-server with `appendonly yes, appendfsync always`: durable before it replies, like zdb. */
  redisAof: Rates;
  /** zdb (fsync per batch) / redis without persistence. */
  ratio: { set: number; get: number };
  /** zdb (fsync per batch) / redis with fsync always: the like-for-like durability comparison. */
  ratioVsAof: { set: number; get: number };
  /** zdb without fsync / redis without persistence. */
  ratioNoFsync: { set: number; get: number };
  opsPerRound: number;
  valueBytes: number;
  pipelineDepth: number;
  rounds: number;
}

export interface ZdbLoadBench {
  /** null when --keys 0. */
  memory: MemoryResult | null;
  /** Unpipelined, `clients` connections: zdb without fsync and redis-server without persistence. */
  concurrent: { clients: number; ops: number; zdbNoFsync: ConcurrentRates; redis: ConcurrentRates; ratio: { set: number; get: number } };
}

/** RSS at `keys` keys on a fresh server, then `rounds` interleaved unpipelined rounds (median). */
export async function benchZdbLoad(keys: number, valueBytes: number, clients: number, ops: number, rounds: number): Promise<ZdbLoadBench> {
  let memory: MemoryResult | null = null;
  if (keys > 0) {
    const fresh = await startZdb({ extraArgs: ['--no-fsync'] });
    try {
      memory = await memoryAtKeys(fresh.port, fresh.pid, keys, valueBytes);
    } finally {
      await fresh.stop();
      removeDataDir(fresh.dataDir);
    }
  }
  const zdb = await startZdb({ extraArgs: ['--no-fsync'] });
  const redis = await startRedis();
  const zdbRuns: ConcurrentRates[] = [];
  const redisRuns: ConcurrentRates[] = [];
  try {
    const redisPid = await serverPid(redis.port);
    for (let round = 0; round < rounds; round++) {
      zdbRuns.push(await unpipelined(zdb.port, zdb.pid, clients, ops, valueBytes, `c${round}:`));
      redisRuns.push(await unpipelined(redis.port, redisPid, clients, ops, valueBytes, `c${round}:`));
    }
  } finally {
    await Promise.all([zdb.stop(), redis.stop()]);
    removeDataDir(zdb.dataDir);
  }
  const med = (runs: ConcurrentRates[]): ConcurrentRates => ({
    setOpsPerS: medianRounded(runs.map((r) => r.setOpsPerS)),
    getOpsPerS: medianRounded(runs.map((r) => r.getOpsPerS)),
    serverCpuUsPerOp: [...runs.map((r) => r.serverCpuUsPerOp)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!,
  });
  const z = med(zdbRuns);
  const r = med(redisRuns);
  return { memory, concurrent: { clients, ops, zdbNoFsync: z, redis: r, ratio: { set: Number((z.setOpsPerS / r.setOpsPerS).toFixed(3)), get: Number((z.getOpsPerS / r.getOpsPerS).toFixed(3)) } } };
}

interface Target {
  name: keyof Pick<ZdbBench, 'zdb' | 'zdbNoFsync' | 'redis' | 'redisAof'>;
  redis: Redis;
  set: number[];
  get: number[];
}

/** Runs `ops` commands as pipelines of `depth` and returns ops/s. */
async function timed(redis: Redis, ops: number, depth: number, build: (p: ReturnType<Redis['pipeline']>, i: number) => void): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ops; i += depth) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(ops, i + depth); j++) build(pipeline, j);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0]!;
  }
  return ops / ((performance.now() - started) / 1000);
}

/** Ops/s figures are whole numbers. */
function medianRounded(values: readonly number[]): number {
  return Math.round(median(values));
}

export async function benchZdb(ops: number, valueBytes: number, depth: number, rounds: number): Promise<ZdbBench> {
  const value = Buffer.alloc(valueBytes, 'v');
  const zdb = await startZdb();
  const zdbNoFsync = await startZdb({ extraArgs: ['--no-fsync'] });
  const redisServer = await startRedis();
  const aofDir = tempDataDir('redis-aof');
  const redisAof = await startAofRedis(aofDir);
  // The same client options for every target; RESP2 because 0-db speaks nothing else.
  const connect = (port: number): Redis => new Redis({ host: '127.0.0.1', port, protocol: 2, maxRetriesPerRequest: null, enableReadyCheck: false });
  const targets: Target[] = [
    { name: 'zdb', redis: connect(zdb.port), set: [], get: [] },
    { name: 'zdbNoFsync', redis: connect(zdbNoFsync.port), set: [], get: [] },
    { name: 'redis', redis: connect(redisServer.port), set: [], get: [] },
    { name: 'redisAof', redis: connect(redisAof.port), set: [], get: [] },
  ];
  try {
    // A warm-up round (not timed) so the JIT and page cache are in the same state for all.
    for (const t of targets) await timed(t.redis, Math.min(ops, 5000), depth, (p, i) => p.call('SET', `warm:${i}`, value));
    for (let round = 0; round < rounds; round++) {
      // Interleaved, so a burst of load on the machine hits every target alike. New keys per round:
      // 0-db treats a SET of identical data as a no-op, which would flatter later rounds.
      for (const t of targets) {
        t.set.push(await timed(t.redis, ops, depth, (p, i) => p.call('SET', `r${round}:${i}`, value)));
        t.get.push(await timed(t.redis, ops, depth, (p, i) => p.callBuffer('GET', `r${round}:${i}`)));
      }
    }
  } finally {
    for (const t of targets) t.redis.disconnect();
    await Promise.all([zdb.stop(), zdbNoFsync.stop(), redisServer.stop(), redisAof.stop()]);
    removeDataDir(aofDir);
    removeDataDir(zdb.dataDir);
    removeDataDir(zdbNoFsync.dataDir);
  }
  const rates = (name: Target['name']): Rates => {
    const t = targets.find((x) => x.name === name)!;
    return { setOpsPerS: medianRounded(t.set), getOpsPerS: medianRounded(t.get) };
  };
  const r = { zdb: rates('zdb'), zdbNoFsync: rates('zdbNoFsync'), redis: rates('redis'), redisAof: rates('redisAof') };
  const ratio = (a: Rates, b: Rates): { set: number; get: number } => ({
    set: Number((a.setOpsPerS / b.setOpsPerS).toFixed(3)),
    get: Number((a.getOpsPerS / b.getOpsPerS).toFixed(3)),
  });
  return {
    ...r,
    ratio: ratio(r.zdb, r.redis),
    ratioVsAof: ratio(r.zdb, r.redisAof),
    ratioNoFsync: ratio(r.zdbNoFsync, r.redis),
    opsPerRound: ops,
    valueBytes,
    pipelineDepth: depth,
    rounds,
  };
}

/** redis-server's pid, from its INFO (the test helper does not expose it). */
async function serverPid(port: number): Promise<number> {
  const redis = new Redis({ host: '127.0.0.1', port, protocol: 2, maxRetriesPerRequest: null });
  try {
    return Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
  } finally {
    redis.disconnect();
  }
}

/**
 * A second private redis-server that fsyncs its append-only file before every reply batch. The
 * shell kills it when our stdin closes, so even a crashed benchmark leaves no server behind.
 */
async function startAofRedis(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
  const child = spawn('sh', ['-c', 'redis-server "$@" & pid=$!; cat >/dev/null; kill $pid; wait $pid', 'redis-aof', ...args], { stdio: 'pipe' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stdout.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`redis-server (aof) exited: ${log}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return { port, stop: async () => (child.stdin.end(), await exited) };
}

await benchMain('zdb', {
  async run(args: Args) {
    const ops = args.number('ops', { min: 100, max: 1e7, integer: true, default: 50_000 });
    const valueBytes = args.number('value-bytes', { min: 0, max: 8 * 1024 * 1024, integer: true, default: 100 });
    const depth = args.number('pipeline', { min: 1, max: 10_000, integer: true, default: 32 });
    const rounds = args.number('rounds', { min: 1, max: 99, integer: true, default: 3 });
    const keys = args.number('keys', { min: 0, max: 1e8, integer: true, default: 1_000_000 });
    const clients = args.number('clients', { min: 1, max: 1000, integer: true, default: 50 });
    const unpipelinedOps = args.number('unpipelined-ops', { min: 100, max: 1e7, integer: true, default: 100_000 });
    const r = await benchZdb(ops, valueBytes, depth, rounds);
    const load = await benchZdbLoad(keys, valueBytes, clients, unpipelinedOps, rounds);
    const k = (n: number): string => `${(n / 1000).toFixed(1)} k ops/s`;
    const human = [
      `zdb vs redis-server: ${r.opsPerRound} ops × ${r.rounds} rounds (median), ${r.valueBytes}-byte values, pipeline ${r.pipelineDepth}, ioredis`,
      `                     SET              GET`,
      `  zdb (fsync/batch)  ${k(r.zdb.setOpsPerS).padEnd(16)} ${k(r.zdb.getOpsPerS)}`,
      `  zdb (no fsync)     ${k(r.zdbNoFsync.setOpsPerS).padEnd(16)} ${k(r.zdbNoFsync.getOpsPerS)}`,
      `  redis-server       ${k(r.redis.setOpsPerS).padEnd(16)} ${k(r.redis.getOpsPerS)}   (reference, same run; no persistence)`,
      `  redis aof always   ${k(r.redisAof.setOpsPerS).padEnd(16)} ${k(r.redisAof.getOpsPerS)}   (reference, same run; fsync before reply)`,
      `  ratio vs redis     ${String(r.ratio.set).padEnd(16)} ${r.ratio.get}   (zdb without fsync: ${r.ratioNoFsync.set} / ${r.ratioNoFsync.get})`,
      `  ratio vs aof       ${String(r.ratioVsAof.set).padEnd(16)} ${r.ratioVsAof.get}`,
      `unpipelined, ${load.concurrent.clients} clients, ${load.concurrent.ops} ops per round (median of ${rounds}):`,
      `  zdb (no fsync)     ${k(load.concurrent.zdbNoFsync.setOpsPerS).padEnd(16)} ${k(load.concurrent.zdbNoFsync.getOpsPerS)}`,
      `  redis-server       ${k(load.concurrent.redis.setOpsPerS).padEnd(16)} ${k(load.concurrent.redis.getOpsPerS)}   (reference, same run)`,
      `  ratio vs redis     ${String(load.concurrent.ratio.set).padEnd(16)} ${load.concurrent.ratio.get}   (issue 14 asks ≥ 0.8)`,
      `  server CPU per op  zdb ${load.concurrent.zdbNoFsync.serverCpuUsPerOp} µs, redis-server ${load.concurrent.redis.serverCpuUsPerOp} µs (SET and GET together; ops/s on a busy host follow this)`,
      load.memory === null
        ? 'memory: skipped (--keys 0)'
        : `memory at ${load.memory.keys} keys of ${load.memory.valueBytes} B: RSS ${(load.memory.rssAfterBytes / 1048576).toFixed(0)} MiB = ${load.memory.rssPerKeyBytes} B/key (issue 14 asks ≤ 300); ${load.memory.rssGrowthPerKeyBytes} B/key above the empty server's ${(load.memory.rssBeforeBytes / 1048576).toFixed(0)} MiB`,
    ].join('\n');
    return { document: { ...r, ...load }, human };
  },
});
