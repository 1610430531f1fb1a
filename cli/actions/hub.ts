// `hub`: a real flist hub (workers/host/flist/hub-server.ts) serving a directory over HTTP, in the
// foreground until SIGTERM or SIGINT. Leaves out TLS and authentication: loopback by default.

import { InputError } from '../../sim/errors.js';
import { HubServer } from '../../workers/host/flist/hub-server.js';
import { defaultHubBind, defaultHubPort } from '../../workers/host/listen-defaults.js';
import type { Command } from '../command.js';
import { untilStopSignal } from '../stop-signal.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `hub`; its flags and usage are in cli/commands/hub.ts. */
export async function serveHub(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const dir = args.required('dir');
  const port = args.number('port', { integer: true, min: 0, max: 65535, default: defaultHubPort });
  const bind = args.string('bind', defaultHubBind);
  const server = new HubServer({ dir, port, bind });
  const bound = await server.listen().catch((error: NodeJS.ErrnoException) => {
    // A taken port or an address this host does not have is the user's to fix, not a bug.
    if (error.code === 'EADDRINUSE') throw new InputError('command line', '--port', `${bind}:${port} is already in use`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') throw new InputError('command line', '--bind', `cannot listen on ${bind}:${port} (${error.code})`);
    throw error;
  });
  out.progress(`hub: ready on ${bound.address}:${bound.port} (dir ${dir}; url ${server.url})`);
  await untilStopSignal();
  await server.close();
  out.progress(`hub: stopped after ${server.stats.requests} requests`);
  return 0;
}
