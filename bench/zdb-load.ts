// The two measures issue 14 asks of `bench zdb`: resident memory per key once a server holds N keys
// (as 0-db's 258 MB at 1M keys of 100 bytes was measured), and unpipelined SET/GET ops/s from many
// concurrent clients (each waits for its reply before sending the next), against redis-server.

import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** VmRSS of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

export interface MemoryResult {
  keys: number;
  valueBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** Total RSS over keys: the figure the issue's ≤ 300 B/key bound is about. */
  rssPerKeyBytes: number;
  /** (after − before) over keys: what one more key costs. */
  rssGrowthPerKeyBytes: number;
}

/** The key of write `i`: 12 bytes, like the measurement ("key-" + 8 digits). */
export function loadKey(i: number): string {
  return `key-${String(i).padStart(8, '0')}`;
}

/** Loads `keys` SETs over `connections` pipelined connections, then reads the server's RSS. */
export async function memoryAtKeys(port: number, pid: number, keys: number, valueBytes: number, connections = 8): Promise<MemoryResult> {
  const value = Buffer.alloc(valueBytes, 'v');
  const clients = Array.from({ length: connections }, () => new Redis({ host: '127.0.0.1', port, protocol: 2, maxRetriesPerRequest: null, enableReadyCheck: false }));
  try {
    await Promise.all(clients.map((c) => c.ping()));
    const rssBeforeBytes = rssBytes(pid);
    const perClient = Math.ceil(keys / connections);
    await Promise.all(
      clients.map(async (c, ci) => {
        for (let start = ci * perClient; start < Math.min(keys, (ci + 1) * perClient); start += 1000) {
          const p = c.pipeline();
          for (let i = start; i < Math.min(keys, (ci + 1) * perClient, start + 1000); i++) p.call('SET', loadKey(i), value);
          await p.exec();
        }
      }),
    );
    // Let the collector settle, as a server idles between bursts.
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfterBytes = rssBytes(pid);
    return { keys, valueBytes, rssBeforeBytes, rssAfterBytes, rssPerKeyBytes: Math.round(rssAfterBytes / keys), rssGrowthPerKeyBytes: Math.round((rssAfterBytes - rssBeforeBytes) / keys) };
  } finally {
    for (const c of clients) c.disconnect();
  }
}

export interface ConcurrentRates {
  setOpsPerS: number;
  getOpsPerS: number;
  /** The server's own CPU time (user + system) per command: less noisy than ops/s on a busy host. */
  serverCpuUsPerOp: number;
}

/** utime + stime of a process in µs, from /proc/PID/stat (clock ticks of 10 ms on Linux). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * `clients` connections, each sending one command and awaiting its reply before the next, until
 * `ops` commands are done in all: SETs of new keys under `prefix`, then GETs of them.
 */
export async function unpipelined(port: number, pid: number, clients: number, ops: number, valueBytes: number, prefix: string): Promise<ConcurrentRates> {
  const value = Buffer.alloc(valueBytes, 'v');
  const conns = Array.from({ length: clients }, () => new Redis({ host: '127.0.0.1', port, protocol: 2, maxRetriesPerRequest: null, enableReadyCheck: false, enableAutoPipelining: false }));
  try {
    await Promise.all(conns.map((c) => c.ping()));
    const run = async (command: (c: Redis, i: number) => Promise<unknown>): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        conns.map(async (c) => {
          for (let i = next++; i < ops; i = next++) await command(c, i);
        }),
      );
      return Math.round(ops / ((performance.now() - started) / 1000));
    };
    const cpuBefore = cpuUs(pid);
    const setOpsPerS = await run((c, i) => c.call('SET', `${prefix}${i}`, value));
    const getOpsPerS = await run((c, i) => c.callBuffer('GET', `${prefix}${i}`));
    return { setOpsPerS, getOpsPerS, serverCpuUsPerOp: Number(((cpuUs(pid) - cpuBefore) / (2 * ops)).toFixed(1)) };
  } finally {
    for (const c of conns) c.disconnect();
  }
}
