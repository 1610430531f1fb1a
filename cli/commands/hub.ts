// `hub`: a real flist hub (workers/host/flist/hub-server.ts) serving a directory over HTTP, in the
// foreground until SIGTERM or SIGINT. Leaves out TLS and authentication: loopback by default.
// This is its spec (usage, flags); the work is in cli/actions/hub.ts, loaded only when it runs.

import { defaultHubBind, defaultHubPort } from '../../workers/host/listen-defaults.js';
import type { Command } from '../command.js';

export const hub: Command = {
  name: 'hub',
  summary: 'serve an flist hub directory over HTTP (blocks and flists) on this host until SIGTERM',
  usage: 'hub --dir DIR [--port P] [--bind ADDR]',
  flags: {
    dir: { kind: 'value', valueName: 'DIR', help: 'where blocks/ and flists/ are stored (created on first upload)' },
    port: { kind: 'value', valueName: 'P', help: `TCP port (default ${defaultHubPort}; 0 picks a free one, shown in the ready line)` },
    bind: { kind: 'value', valueName: 'ADDR', help: `address to listen on (default ${defaultHubBind}: loopback only)` },
  },
  run: (args, context) => import('../actions/hub.js').then((m) => m.serveHub(args, context)),
};
