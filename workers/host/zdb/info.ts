// INFO and NSINFO of the real 0-db server: the same fields, in the same order and number formats
// as zdbd/commands_system.c (command_info, 29 fields) and zdbd/commands_namespace.c (command_nsinfo,
// up to 29). Leaves out what the values mean on disk: our files are not 0-db's format.

import { statfsSync } from 'node:fs';
import { arity, type CommandContext } from './command-context.js';
import { namespaceName } from './commands-namespace.js';
import type { DiskStats } from './files.js';
import { seqIdBytes, type HostNamespace } from './host-namespace.js';
import { bulkReply } from './resp.js';
import type { ZdbStore } from './store.js';

/** Our data and index file formats ("ZTDBDAT1", "ZTDBIDX1"); 0-db's own are 3 and 4. */
const fileFormatVersion = 1;
const revision = 'zos-testbed';

const mb = (bytes: number): string => (bytes / 1048576).toFixed(2);
const kb = (bytes: number): string => (bytes / 1024).toFixed(2);

/** Disk counters of every namespace now open plus those deleted since boot. */
function diskTotals(store: ZdbStore): DiskStats {
  const total = { ...store.retiredDisk };
  for (const ns of store.all) for (const k of Object.keys(total) as (keyof DiskStats)[]) total[k] += ns.files.stats[k];
  return total;
}

export function info(ctx: CommandContext): Buffer {
  const { stats } = ctx;
  const nowS = Math.floor(Date.now() / 1000);
  const disk = diskTotals(ctx.store);
  const lines = [
    '# server',
    'server_name: 0-db (zdb)',
    `server_revision: ${revision}`,
    `engine_revision: ${revision}`,
    `instance_id: ${ctx.config.instanceId}`,
    `boot_time: ${stats.bootTimeS}`,
    `uptime: ${nowS - stats.bootTimeS}`,
    '',
    '# clients',
    `clients_lifetime: ${stats.clients}`,
    '',
    '# internals',
    `sequential_key_size: ${seqIdBytes}`,
    `data_version: ${fileFormatVersion}`,
    `index_version: ${fileFormatVersion}`,
    '',
    '# stats',
    `commands_executed: ${stats.commands}`,
    `commands_failed: ${stats.failed}`,
    `commands_unauthorized: ${stats.unauthorized}`,
    `index_disk_read_failed: ${disk.indexReadFailed}`,
    `index_disk_write_failed: ${disk.indexWriteFailed}`,
    `data_disk_read_failed: ${disk.dataReadFailed}`,
    `data_disk_write_failed: ${disk.dataWriteFailed}`,
    `index_disk_read_bytes: ${disk.indexReadBytes}`,
    `index_disk_read_mb: ${mb(disk.indexReadBytes)}`,
    `index_disk_write_bytes: ${disk.indexWriteBytes}`,
    `index_disk_write_mb: ${mb(disk.indexWriteBytes)}`,
    `data_disk_read_bytes: ${disk.dataReadBytes}`,
    `data_disk_read_mb: ${mb(disk.dataReadBytes)}`,
    `data_disk_write_bytes: ${disk.dataWriteBytes}`,
    `data_disk_write_mb: ${mb(disk.dataWriteBytes)}`,
    `network_rx_bytes: ${stats.rxBytes}`,
    `network_rx_mb: ${mb(stats.rxBytes)}`,
    `network_tx_bytes: ${stats.txBytes}`,
    `network_tx_mb: ${mb(stats.txBytes)}`,
  ];
  return bulkReply(lines.join('\n') + '\n');
}

/**
 * NSINFO name: 23 fields for anyone, space_available with a size limit, password_raw for a MASTER
 * client, and 6 more for an admin.
 */
export function nsinfo(ctx: CommandContext): Buffer {
  arity(ctx.args, 2, true);
  const ns = ctx.store.mustGet(namespaceName(ctx.args[1]!, false));
  const s = ns.settings;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = [
    '# namespace',
    `name: ${ns.name}`,
    `entries: ${ns.dbsize}`,
    `public: ${yes(s.public)}`,
    `worm: ${yes(s.worm)}`,
    // 0-db has one lock field for lock and freeze (command_nsset_lock, command_nsset_freeze).
    `locked: ${yes(s.locked || s.frozen)}`,
    `password: ${yes(s.password !== '')}`,
    `data_size_bytes: ${ns.dataSizeBytes}`,
    `data_size_mb: ${mb(ns.dataSizeBytes)}`,
    `data_limits_bytes: ${s.maxsizeBytes}`,
    `index_size_bytes: ${ns.files.indexSizeBytes}`,
    `index_size_kb: ${kb(ns.files.indexSizeBytes)}`,
    `next_internal_id: ${nextInternalId(ns)}`,
    `mode: ${s.mode === 'seq' ? 'sequential' : 'userkey'}`,
    `stats_index_io_errors: ${ns.files.stats.indexReadFailed + ns.files.stats.indexWriteFailed}`,
    'stats_index_io_error_last: 0',
    'stats_index_faults: 0',
    `stats_data_io_errors: ${ns.files.stats.dataReadFailed + ns.files.stats.dataWriteFailed}`,
    'stats_data_io_error_last: 0',
    'stats_data_faults: 0',
  ];
  if (s.maxsizeBytes > 0) lines.push(`space_available: ${Math.max(0, s.maxsizeBytes - ns.dataSizeBytes)}`);
  lines.push(...freeSpace(ns));
  // A replication source needs the password to open the namespace on its copy.
  if (ctx.session.master && s.password !== '') lines.push(`password_raw: ${s.password}`);
  if (ctx.session.admin) {
    lines.push(
      `data_path: ${ns.dir}`,
      `data_active: ${ns.dir}/data`,
      `index_path: ${ns.dir}`,
      `index_active: ${ns.dir}/index`,
      'data_current_id: 0',
      `data_current_offset: ${ns.files.dataSizeBytes}`,
    );
  }
  return bulkReply(lines.join('\n') + '\n');
}

/** 0-db prints bswap_64 of its next id as "0x%08" PRIx64: the id's little-endian bytes, in hex. */
function nextInternalId(ns: HostNamespace): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(ns.nextId));
  return `0x${b.readBigUInt64BE().toString(16).padStart(8, '0')}`;
}

/** The free space under the index and the data (one directory here, so the same numbers twice). */
function freeSpace(ns: HostNamespace): string[] {
  try {
    const fs = statfsSync(ns.dir);
    const free = fs.bavail * fs.bsize;
    return ['index', 'data'].flatMap((what) => [`${what}_disk_freespace_bytes: ${free}`, `${what}_disk_freespace_mb: ${mb(free)}`]);
  } catch {
    // Free space is advisory; 0-db leaves the lines out when statvfs fails, and so do we.
    return [];
  }
}
