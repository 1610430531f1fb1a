// The real-host flist: pack a tree into blocks on a hub, serve a hub over HTTP, materialise or read
// an flist through a node's block cache. Re-exported by name; see each module for what it leaves out.

export { BLOCK_HASH_NAME, BLOCK_SIZE_BYTES, blockKey, isBlockKey } from './block-key.js';
export { HostBlockCache, type HostBlockCacheStats } from './block-cache.js';
export { DirHub } from './dir-hub.js';
export { BlockCorruptError, HubMissingError, HubUnreachableError } from './errors.js';
export { FLIST_FORMAT, FLIST_VERSION, buildFlist, parseFlist, serializeFlist, type FlistEntry, type FlistFileEntry, type FlistMeta } from './format.js';
export { HttpHub, MAX_FLIST_BYTES, type HttpHubOptions } from './http-hub.js';
export { isFlistName, type FlistHub } from './hub.js';
export { HubServer, type HubServerOptions, type HubServerStats } from './hub-server.js';
export { defaultHubBind, defaultHubPort } from '../listen-defaults.js';
export { materialise, removeTree, type MaterialiseOptions, type MaterialiseResult } from './materialise.js';
export { fetchFlistMeta, mountFlist, parseFlistUrl, type FlistUrl, type MountedFlist, type NodeFlistStore } from './mount.js';
export { openHub } from './open-hub.js';
export { packDir, packToFile, type PackResult } from './pack.js';
export { FlistReader } from './reader.js';
