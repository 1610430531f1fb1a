// `zdb`: one real 0-db server in the foreground (workers/host/zdb), until SIGTERM or SIGINT.
// Leaves out daemonizing and logging: stdout stays empty, the ready line and errors go to stderr.
// This is its spec (usage, flags); the work is in cli/actions/zdb.ts, loaded only when it runs.

import { defaultZdbBind, defaultZdbPort } from '../../workers/host/listen-defaults.js';
import type { Command } from '../command.js';

export const zdb: Command = {
  name: 'zdb',
  summary: 'run a real Zero-DB server (RESP over TCP) on this host until SIGTERM',
  usage: `zdb --data-dir DIR [--port P] [--bind ADDR] [--admin PASS] [--no-fsync]`,
  flags: {
    'data-dir': { kind: 'value', valueName: 'DIR', help: 'where namespaces are stored (created if missing)' },
    port: { kind: 'value', valueName: 'P', help: `TCP port (default ${defaultZdbPort}; 0 picks a free one, shown in the ready line)` },
    bind: { kind: 'value', valueName: 'ADDR', help: `address to listen on (default ${defaultZdbBind}: loopback only)` },
    admin: { kind: 'value', valueName: 'PASS', help: 'admin password, as 0-db\'s --admin: NSNEW/NSDEL/NSSET then need AUTH first' },
    'no-fsync': { kind: 'boolean', help: 'acknowledge writes without fdatasync (faster; a power loss may lose them)' },
  },
  run: (args, context) => import('../actions/zdb.js').then((m) => m.serveZdb(args, context)),
};
