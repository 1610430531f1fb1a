// `zdb`: one real 0-db server in the foreground (workers/host/zdb), until SIGTERM or SIGINT.
// Leaves out daemonizing and logging: stdout stays empty, the ready line and errors go to stderr.

import { InputError } from '../../sim/errors.js';
import type { Command } from '../command.js';
import { ZdbHostServer, type ZdbServerOptions } from '../../workers/host/zdb/server.js';
import { defaultZdbBind, defaultZdbPort } from '../../workers/host/listen-defaults.js';
import { untilStopSignal } from '../stop-signal.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import type { Registry } from 'prom-client';
import { readMetricsPort } from '../commands/observability-flags.js';
import type { MetricsServer } from '../observability/metrics-server.js';

/** The work of `zdb`; its flags and usage are in cli/commands/zdb.ts. */
export async function serveZdb(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const dataDir = args.required('data-dir');
  const options = serverOptions(args, dataDir);
  const metricsPort = readMetricsPort(args);
  let server!: ZdbHostServer;
  // prom-client is loaded only when metrics are asked for; the gauges read the server when scraped.
  const metrics = metricsPort === undefined ? undefined : (await import('../../workers/host/zdb/metrics.js')).createZdbMetrics({
    stats: () => server.counters,
    store: () => server.store,
    connectedClients: () => server.connectedClients,
  });
  let stopped!: () => void;
  const stoppedByClient = new Promise<void>((resolve) => (stopped = resolve));
  try {
    server = new ZdbHostServer({ ...options, onStop: () => stopped(), ...(metrics === undefined ? {} : { observer: metrics.observer }) });
  } catch (error) {
    // An unreadable directory or a file that is not ours: the user's to fix, named plainly.
    throw new InputError('command line', '--data-dir', error instanceof Error ? error.message : String(error));
  }
  const { port, bind } = { port: options.port ?? defaultZdbPort, bind: options.bind ?? defaultZdbBind };
  const bound = await server.listen().catch(async (error: NodeJS.ErrnoException) => {
    await server.close();
    // A taken port or an address this host does not have is the user's to fix, not a bug.
    if (options.socketPath !== undefined) throw new InputError('command line', '--socket', `cannot listen on ${options.socketPath} (${error.code ?? error.message})`);
    if (error.code === 'EADDRINUSE') throw new InputError('command line', '--port', `${bind}:${port} is already in use`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') throw new InputError('command line', '--bind', `cannot listen on ${bind}:${port} (${error.code})`);
    throw error;
  });
  for (const ns of server.store.all) {
    const r = ns.recovery;
    if (r.dataBytesCut + r.indexBytesCut + r.entriesFromData > 0) {
      out.progress(`zdb: namespace ${ns.name}: cut ${r.dataBytesCut} torn bytes from data, ${r.indexBytesCut} from index; ${r.entriesFromData} entries re-indexed from data`);
    }
  }
  const scrape = metrics === undefined ? undefined : await serveZdbMetrics(metrics.registry, metricsPort!, server);
  const where = options.socketPath ?? `${bound.address}:${bound.port}`;
  const notes = [`data ${dataDir}`, `fsync ${options.fsync === false ? 'off' : 'per batch'}`, `mode ${options.mode ?? 'per namespace'}`];
  if (options.adminPassword !== undefined) notes.push(options.protect === true ? 'admin password set, default namespace protected' : 'admin password set');
  if (scrape !== undefined) notes.push(`metrics ${scrape.url}`);
  out.progress(`zdb: ready on ${where} (${notes.join(', ')})`);
  // A STOP from an admin client ends the server as a signal does.
  await Promise.race([untilStopSignal(), stoppedByClient]);
  await Promise.all([server.close(), scrape?.close()]);
  return 0;
}

/** /metrics on loopback; a taken port closes the zdb server again and names the flag. */
async function serveZdbMetrics(registry: Registry, port: number, server: ZdbHostServer): Promise<MetricsServer> {
  const { serveMetrics } = await import('../observability/metrics-server.js');
  return serveMetrics(registry, { port }).catch(async (error: NodeJS.ErrnoException) => {
    await server.close();
    if (error.code === 'EADDRINUSE') throw new InputError('command line', '--metrics-port', `port ${port} is already in use`);
    throw error;
  });
}

/** 0-db's --datasize bounds (zdbd.c): at least 512 KiB, below 4 GiB. */
const datasizeMinBytes = 512 * 1024;
const datasizeMaxBytes = 0xffffffff - 1;

/** The flags, checked once into the server's options (the meaningless ones only checked). */
function serverOptions(args: Args, dataDir: string): ZdbServerOptions {
  const socketPath = args.string('socket');
  const bind = args.string('bind') ?? args.string('listen');
  if (args.has('bind') && args.has('listen')) throw new InputError('command line', '--listen', 'give --bind or --listen, not both');
  if (socketPath !== undefined && (bind !== undefined || args.has('port'))) throw new InputError('command line', '--socket', 'a unix socket replaces --port and --bind');
  const port = args.number('port', { integer: true, min: 0, max: 65535, default: defaultZdbPort });
  const adminPassword = args.string('admin');
  if (adminPassword === '') throw new InputError('command line', '--admin', 'the admin password must not be empty');
  const protect = args.boolean('protect');
  if (protect && adminPassword === undefined) throw new InputError('command line', '--protect', 'protected mode only works with an admin password (--admin)');
  if (args.boolean('sync') && args.boolean('no-fsync')) throw new InputError('command line', '--sync', 'give --sync or --no-fsync, not both');
  args.number('synctime', { integer: true, min: 0, max: 86400 });
  args.number('datasize', { integer: true, min: datasizeMinBytes, max: datasizeMaxBytes });
  args.string('hook');
  const mode = args.oneOf('mode', ['user', 'seq'] as const);
  const maxsize = args.number('maxsize', { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  return {
    dataDir,
    port,
    ...(bind === undefined ? {} : { bind }),
    ...(socketPath === undefined ? {} : { socketPath }),
    fsync: !args.boolean('no-fsync'),
    ...(adminPassword === undefined ? {} : { adminPassword }),
    protect,
    ...(mode === undefined ? {} : { mode }),
    ...(maxsize === undefined ? {} : { defaultMaxsizeBytes: maxsize }),
  };
}
