// A zstor deployment on this host: one 0-db server per backend (so each can be stopped alone),
// seq namespaces for data and user namespaces for the 4 metadata backends, and the matching config.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { QsfsConfig, ZdbBackend } from '../../../sim/grid/deployment.js';
import { metaBackendCount } from '../../../sim/storage/zstor/metastore.js';
import { ZdbHostServer } from '../zdb/server.js';

/** A running 0-db server; `stop` makes it unreachable, `start` brings it back on the same port and data. */
export interface LocalZdb {
  readonly port: number;
  readonly address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * Starts an in-process ZdbHostServer on a free port with a temporary data dir under `parentDir`
 * (tests pass a tmpfs: 0-db fsyncs each new namespace's files, ~40 ms apiece on a slow disk).
 */
export async function startInProcessZdb(options: { fsync?: boolean; parentDir?: string } = {}): Promise<LocalZdb> {
  const dataDir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'zos-testbed-zstor-'));
  let server: ZdbHostServer | null = new ZdbHostServer({ dataDir, port: 0, fsync: options.fsync ?? false });
  const port = (await server.listen()).port;
  const stop = async (): Promise<void> => {
    const s = server;
    server = null;
    await s?.close();
  };
  return {
    port,
    address: `127.0.0.1:${port}`,
    stop,
    async start() {
      if (server !== null) return;
      server = new ZdbHostServer({ dataDir, port, fsync: options.fsync ?? false });
      await server.listen();
    },
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** NSNEW + NSSET mode (+ password), as zos provisions a zdb workload. */
export async function createNamespace(address: string, namespace: string, mode: 'seq' | 'user', password = ''): Promise<void> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const redis = new Redis({ host, port, protocol: 2, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.call('NSNEW', namespace);
    await redis.call('NSSET', namespace, 'mode', mode);
    if (password !== '') await redis.call('NSSET', namespace, 'password', password);
  } finally {
    redis.disconnect();
  }
}

export interface LocalZstorCluster {
  readonly config: QsfsConfig;
  /** Data servers by group, in config order. */
  readonly groups: readonly (readonly LocalZdb[])[];
  readonly meta: readonly LocalZdb[];
  /** Stops every server and deletes its data. */
  close(): Promise<void>;
}

export interface LocalZstorClusterOptions {
  readonly minimalShards: number;
  readonly expectedShards: number;
  /** Backends per group (default one group of expectedShards + 1). */
  readonly groupSizes?: readonly number[];
  readonly redundantGroups?: number;
  readonly redundantNodes?: number;
  /** How each server is started (default in-process); the bench passes separate processes. */
  readonly startZdb?: () => Promise<LocalZdb>;
  readonly password?: string;
}

export async function startLocalZstorCluster(options: LocalZstorClusterOptions): Promise<LocalZstorCluster> {
  const start = options.startZdb ?? (() => startInProcessZdb());
  const sizes = options.groupSizes ?? [options.expectedShards + 1];
  const password = options.password ?? '';
  const started: LocalZdb[] = [];
  const backend = async (mode: 'seq' | 'user', name: string): Promise<{ server: LocalZdb; spec: ZdbBackend }> => {
    const server = await start();
    started.push(server);
    await createNamespace(server.address, name, mode, password);
    return { server, spec: { address: server.address, namespace: name, password } };
  };
  try {
    const groups = await Promise.all(sizes.map((size, g) => Promise.all(Array.from({ length: size }, (_, i) => backend('seq', `data-${g}-${i}`)))));
    const meta = await Promise.all(Array.from({ length: metaBackendCount }, (_, i) => backend('user', `meta-${i}`)));
    const key = (): string => randomBytes(32).toString('hex');
    const config: QsfsConfig = {
      minimal_shards: options.minimalShards,
      expected_shards: options.expectedShards,
      redundant_groups: options.redundantGroups ?? 0,
      redundant_nodes: options.redundantNodes ?? 0,
      max_zdb_data_dir_size: 512,
      encryption: { algorithm: 'AES', key: key() },
      meta: { type: 'zdb', config: { prefix: 'qsfs', encryption: { algorithm: 'AES', key: key() }, backends: meta.map((m) => m.spec) } },
      groups: groups.map((g) => ({ backends: g.map((b) => b.spec) })),
      compression: { algorithm: 'snappy' },
    };
    return {
      config,
      groups: groups.map((g) => g.map((b) => b.server)),
      meta: meta.map((m) => m.server),
      close: async () => void (await Promise.all(started.map((s) => s.destroy()))),
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.destroy()));
    throw error;
  }
}
