// The zstor / qsfs model's public API, re-exported by name: cluster, frontend, placement, health.
// Leaves out nothing of its own; see each module's header for what it models.

export { ZstorCluster, shardsPerGroup, type AbortFlag, type BackendSpec, type StoredObject, type ZstorClusterOptions, type ZstorStats } from './cluster.js';
export { QsfsFrontend, type FileState, type QsfsFrontendOptions } from './frontend.js';
export { placeShards, survivesLoss, type GroupCandidates } from './placement.js';
export { HealthTracker, ZstorBackend, settled } from './backend.js';
export { MetaStore, metaBackendCount, metaDataPieces } from './metastore.js';
export { defaultTimers, isReadableState, ZstorError, type HealthState, type ZstorFailure, type ZstorPolicy, type ZstorTimers } from './types.js';
