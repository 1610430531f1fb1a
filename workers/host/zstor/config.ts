// A qsfs workload's zstor config (DOMAIN.md 1.5) validated once into the form the host zstor runs on.
// Leaves out snappy (node:zlib deflate replaces it) and `max_zdb_data_dir_size` (no local cache here).

import { randomBytes } from 'node:crypto';
import type { QsfsConfig, ZdbBackend } from '../../../sim/grid/deployment.js';
import { InputError } from '../../../sim/errors.js';
import { metaBackendCount } from '../../../sim/storage/zstor/metastore.js';
import { defaultTimers, type ZstorPolicy } from '../../../sim/storage/zstor/types.js';
import { maxDataShards, maxParityShards } from './erasure.js';

const where = 'zstor config';
const MiB = 1024 * 1024;

/** One zdb namespace zstor talks to; `id` (address/namespace) is how metadata names it. */
export interface ZstorEndpoint {
  readonly id: string;
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly namespace: string;
  readonly password: string;
}

/** Host-side knobs that the qsfs workload does not carry. */
export interface HostZstorOptions {
  /** zstor's per-operation timeout (30 s); tests lower it. */
  readonly opTimeoutS?: number;
  /** Shards are split into zdb entries of at most this size (zstor: 2 MiB; 0-db's limit is 8 MiB). */
  readonly entryBytes?: number;
  /** How long a backend health probe is trusted (zstor polls every 3 s). */
  readonly healthTtlS?: number;
  /** Seed of the placement draws; a random one by default. */
  readonly seed?: string;
  /** node:zlib deflate level, 0..9 (default 1: fast, as snappy is). */
  readonly compressionLevel?: number;
  /** A backend with less free space than this is LowSpace: no new shards (zstor: 100 MiB). */
  readonly lowSpaceBytes?: number;
}

export interface CompiledZstorConfig {
  readonly policy: ZstorPolicy;
  readonly dataKey: Buffer;
  readonly metaKey: Buffer;
  readonly metaPrefix: string;
  readonly groups: readonly (readonly ZstorEndpoint[])[];
  /** Exactly 4, in config order: piece i of every record lives on meta backend i. */
  readonly meta: readonly ZstorEndpoint[];
  readonly opTimeoutMs: number;
  readonly entryBytes: number;
  readonly healthTtlMs: number;
  readonly seed: string;
  readonly compressionLevel: number;
  readonly lowSpaceBytes: number;
}

/** Validates everything a store or retrieve relies on; errors name the config field. */
export function compileZstorConfig(config: QsfsConfig, options: HostZstorOptions = {}): CompiledZstorConfig {
  const k = config.minimal_shards;
  const n = config.expected_shards;
  if (!(Number.isInteger(k) && k >= 1 && k <= maxDataShards)) throw new InputError(where, 'minimal_shards', `must be an integer in 1..${maxDataShards}, got ${String(k)}`);
  if (!(Number.isInteger(n) && n >= k && n - k <= maxParityShards)) {
    throw new InputError(where, 'expected_shards', `must be an integer in minimal_shards..minimal_shards+${maxParityShards}, got ${String(n)}`);
  }
  for (const field of ['redundant_groups', 'redundant_nodes'] as const) {
    const v = config[field];
    if (!(Number.isInteger(v) && v >= 0)) throw new InputError(where, field, `must be an integer ≥ 0, got ${String(v)}`);
  }
  if (!Array.isArray(config.groups) || config.groups.length === 0) throw new InputError(where, 'groups', 'must list at least one group of backends');
  const seen = new Set<string>();
  const groups = config.groups.map((g, gi) => {
    const backends: unknown = g?.backends;
    if (!Array.isArray(backends)) throw new InputError(where, `groups[${gi}].backends`, 'must be a list');
    return (backends as ZdbBackend[]).map((b, bi) => endpoint(b, `groups[${gi}].backends[${bi}]`, seen));
  });
  const total = groups.reduce((sum, g) => sum + g.length, 0);
  if (total < n) throw new InputError(where, 'groups', `hold ${total} backends, fewer than expected_shards ${n}`);
  const metaBackends = config.meta?.config?.backends;
  if (!Array.isArray(metaBackends) || metaBackends.length !== metaBackendCount) {
    throw new InputError(where, 'meta.config.backends', `must hold exactly ${metaBackendCount} backends, got ${Array.isArray(metaBackends) ? metaBackends.length : 'none'}`);
  }
  const meta = metaBackends.map((b, i) => endpoint(b, `meta.config.backends[${i}]`, seen));
  const prefix = config.meta.config.prefix;
  if (typeof prefix !== 'string' || prefix === '' || prefix.includes('/')) throw new InputError(where, 'meta.config.prefix', 'must be a non-empty string without "/"');
  return {
    policy: { dataShards: k, totalShards: n, redundantGroups: config.redundant_groups, redundantNodes: config.redundant_nodes },
    dataKey: aesKey(config.encryption?.key, 'encryption.key'),
    metaKey: aesKey(config.meta.config.encryption?.key, 'meta.config.encryption.key'),
    metaPrefix: prefix,
    groups,
    meta,
    opTimeoutMs: positive(options.opTimeoutS ?? 30, 'opTimeoutS') * 1000,
    entryBytes: Math.floor(bounded(options.entryBytes ?? 2 * MiB, 'entryBytes', 1, 8 * MiB)),
    healthTtlMs: bounded(options.healthTtlS ?? 3, 'healthTtlS', 0, 3600) * 1000,
    seed: options.seed ?? randomBytes(8).toString('hex'),
    compressionLevel: Math.floor(bounded(options.compressionLevel ?? 1, 'compressionLevel', 0, 9)),
    lowSpaceBytes: bounded(options.lowSpaceBytes ?? defaultTimers.lowSpaceBytes, 'lowSpaceBytes', 0, Number.MAX_SAFE_INTEGER),
  };
}

/** AES-256 wants exactly 32 bytes: 64 hex digits, as zstor's config writes the key. */
function aesKey(hex: unknown, field: string): Buffer {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    const got = typeof hex === 'string' ? `${hex.length} characters` : String(hex);
    throw new InputError(where, field, `must be 64 hex digits (a 32-byte AES-256 key), got ${got}`);
  }
  return Buffer.from(hex, 'hex');
}

function endpoint(b: ZdbBackend, field: string, seen: Set<string>): ZstorEndpoint {
  const { host, port } = parseAddress(b?.address, `${field}.address`);
  if (typeof b.namespace !== 'string' || b.namespace === '') throw new InputError(where, `${field}.namespace`, 'must be a non-empty string');
  const id = `${b.address}/${b.namespace}`;
  // Two shards on one namespace would fail together: zstor needs distinct backends.
  if (seen.has(id)) throw new InputError(where, field, `${id} is listed twice`);
  seen.add(id);
  return { id, address: b.address, host, port, namespace: b.namespace, password: typeof b.password === 'string' ? b.password : '' };
}

/** `host:port` or `[ipv6]:port`, as zos reports zdb addresses. */
export function parseAddress(address: unknown, field: string): { host: string; port: number } {
  const m = typeof address === 'string' ? /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(address) : null;
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 1 && port <= 65535)) throw new InputError(where, field, `must be host:port or [ipv6]:port, got ${JSON.stringify(address)}`);
  return { host: m[1] ?? m[2]!, port };
}

function positive(v: number, field: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new InputError(where, field, `must be > 0, got ${v}`);
  return v;
}

function bounded(v: number, field: string, lo: number, hi: number): number {
  if (!(Number.isFinite(v) && v >= lo && v <= hi)) throw new InputError(where, field, `must be in ${lo}..${hi}, got ${v}`);
  return v;
}
