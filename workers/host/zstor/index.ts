// The host zstor's public API, re-exported by name (STYLE.md 12).

export { HostZstor, type HostZstorRunOptions, type CheckReport, type ObjectHealth, type StoreResult } from './zstor.js';
export { compileZstorConfig, type CompiledZstorConfig, type HostZstorOptions, type ZstorEndpoint } from './config.js';
export type { RepairReport } from './repair.js';
export type { ShardStatus } from './object-io.js';
export type { ShardFault } from './shards.js';
export { maxDataShards, maxParityShards } from './erasure.js';
export { createNamespace, startInProcessZdb, startLocalZstorCluster, type LocalZdb, type LocalZstorCluster, type LocalZstorClusterOptions } from './local-cluster.js';
// A type only: prom-client is loaded by whoever makes the metrics (import './metrics.js'), not by every zstor user.
export type { ZstorMetrics, BackendReading, ZstorCommand } from './metrics.js';
