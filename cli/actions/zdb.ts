// `zdb`: one real 0-db server in the foreground (workers/host/zdb), until SIGTERM or SIGINT.
// Leaves out daemonizing and logging: stdout stays empty, the ready line and errors go to stderr.

import { InputError } from '../../sim/errors.js';
import type { Command } from '../command.js';
import { ZdbHostServer } from '../../workers/host/zdb/server.js';
import { defaultZdbBind, defaultZdbPort } from '../../workers/host/listen-defaults.js';
import { untilStopSignal } from '../stop-signal.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `zdb`; its flags and usage are in cli/commands/zdb.ts. */
export async function serveZdb(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const dataDir = args.required('data-dir');
  const port = args.number('port', { integer: true, min: 0, max: 65535, default: defaultZdbPort });
  const bind = args.string('bind', defaultZdbBind);
  const fsync = !args.boolean('no-fsync');
  const adminPassword = args.string('admin');
  if (adminPassword === '') throw new InputError('command line', '--admin', 'the admin password must not be empty');
  let server: ZdbHostServer;
  try {
    server = new ZdbHostServer({ dataDir, port, bind, fsync, ...(adminPassword === undefined ? {} : { adminPassword }) });
  } catch (error) {
    // An unreadable directory or a file that is not ours: the user's to fix, named plainly.
    throw new InputError('command line', '--data-dir', error instanceof Error ? error.message : String(error));
  }
  const bound = await server.listen().catch(async (error: NodeJS.ErrnoException) => {
    await server.close();
    // A taken port or an address this host does not have is the user's to fix, not a bug.
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
  out.progress(`zdb: ready on ${bound.address}:${bound.port} (data ${dataDir}, fsync ${fsync ? 'per batch' : 'off'}${adminPassword === undefined ? '' : ', admin password set'})`);
  await untilStopSignal();
  await server.close();
  return 0;
}
