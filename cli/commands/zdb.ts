// `zdb`: one real 0-db server in the foreground (workers/host/zdb), until SIGTERM or SIGINT.
// Leaves out daemonizing and logging: stdout stays empty, the ready line and errors go to stderr.
// This is its spec (usage, flags); the work is in cli/actions/zdb.ts, loaded only when it runs.

import { defaultZdbBind, defaultZdbPort } from '../../workers/host/listen-defaults.js';
import type { Command } from '../command.js';
import { metricsUsage } from './observability-flags.js';

export const zdb: Command = {
  name: 'zdb',
  summary: 'run a real Zero-DB server (RESP over TCP) on this host until SIGTERM',
  usage: `zdb --data-dir DIR [--port P] [--bind ADDR | --socket PATH] [--mode user|seq] [--maxsize BYTES] [--admin PASS [--protect]] [--no-fsync | --sync] [--synctime S] [--datasize BYTES] [--hook PATH] ${metricsUsage}`,
  flags: {
    'data-dir': { kind: 'value', valueName: 'DIR', help: 'where namespaces are stored (created if missing)' },
    port: { kind: 'value', valueName: 'P', help: `TCP port (default ${defaultZdbPort}; 0 picks a free one, shown in the ready line)` },
    bind: { kind: 'value', valueName: 'ADDR', help: `address to listen on (default ${defaultZdbBind}: loopback only); 0-db calls it --listen` },
    listen: { kind: 'value', valueName: 'ADDR', help: 'the same as --bind, by 0-db\'s name' },
    socket: { kind: 'value', valueName: 'PATH', help: 'listen on this unix socket instead of TCP, as 0-db\'s --socket' },
    mode: { kind: 'value', valueName: 'user|seq', help: 'every namespace in this mode and NSSET mode refused, as 0-db\'s --mode (default: chosen per namespace)' },
    maxsize: { kind: 'value', valueName: 'BYTES', help: 'size limit of the default namespace, as 0-db\'s --maxsize' },
    admin: { kind: 'value', valueName: 'PASS', help: 'admin password, as 0-db\'s --admin: NSNEW/NSDEL/NSSET then need AUTH first' },
    protect: { kind: 'boolean', help: 'the default namespace takes the admin password: read-only until SELECTed with it (0-db\'s --protect)' },
    'no-fsync': { kind: 'boolean', help: 'acknowledge writes without fdatasync (faster; a power loss may lose them)' },
    sync: { kind: 'boolean', help: 'accepted for 0-db\'s --sync: writes are fdatasynced before their reply already (the default)' },
    synctime: { kind: 'value', valueName: 'S', help: 'accepted for 0-db\'s --synctime; without effect, as every batch is synced before its reply' },
    datasize: { kind: 'value', valueName: 'BYTES', help: 'accepted and checked as 0-db\'s --datasize (512 KiB to 4 GiB); we keep one data file per namespace, never split' },
    hook: { kind: 'value', valueName: 'PATH', help: 'accepted for 0-db\'s --hook; hooks are not run (HOOKS lists none)' },
    'metrics-port': { kind: 'value', valueName: 'P', help: 'serve Prometheus metrics (commands by name and outcome, their durations, bytes, clients, keys and bytes per namespace) at http://127.0.0.1:P/metrics (0: any free port, shown in the ready line); our addition, off by default' },
  },
  run: (args, context) => import('../actions/zdb.js').then((m) => m.serveZdb(args, context)),
};
