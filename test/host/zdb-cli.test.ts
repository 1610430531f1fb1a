// `zos-testbed zdb` as a command: the user's mistakes (no data dir, a taken port, a directory of
// foreign files) exit 2 with one line naming the flag, never a stack trace.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { Redis } from 'ioredis';
import { cli, stackFrame } from '../helpers/cli.js';
import { removeDataDir, tempDataDir } from '../helpers/zdb-server.js';

test('zdb without --data-dir is bad input', async (t) => {
  const r = await cli('zdb', '--port', '0');
  t.is(r.code, 2);
  t.regex(r.stderr, /--data-dir: is required/);
  t.is(r.stdout, '');
});

test('zdb on a port already taken is bad input naming --port', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const r = await cli('zdb', '--port', String(port), '--data-dir', dataDir);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`--port: 127\\.0\\.0\\.1:${port} is already in use`));
  t.notRegex(r.stderr, stackFrame);
});

test('zdb on a data dir holding files that are not ours is bad input naming the namespace', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  mkdirSync(join(dataDir, 'other'));
  writeFileSync(join(dataDir, 'other', 'data'), 'not a zdb data file');
  const r = await cli('zdb', '--port', '0', '--data-dir', dataDir);
  t.is(r.code, 2);
  t.regex(r.stderr, /--data-dir: namespace other: .*bad magic/);
  t.notRegex(r.stderr, stackFrame);
});

test('zdb option mistakes are bad input naming the flag: --protect without --admin, an unknown --mode, a tiny --datasize', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const protect = await cli('zdb', '--port', '0', '--data-dir', dataDir, '--protect');
  t.is(protect.code, 2);
  t.regex(protect.stderr, /--protect: protected mode only works with an admin password/);
  const mode = await cli('zdb', '--port', '0', '--data-dir', dataDir, '--mode', 'direct');
  t.is(mode.code, 2);
  t.regex(mode.stderr, /--mode/);
  const datasize = await cli('zdb', '--port', '0', '--data-dir', dataDir, '--datasize', '32');
  t.is(datasize.code, 2);
  t.regex(datasize.stderr, /--datasize/);
});

test('zdb --socket serves on a unix socket, and an admin STOP ends the process with 0', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const socketPath = join(dataDir, 'zdb.sock');
  const running = cli('zdb', '--data-dir', join(dataDir, 'data'), '--socket', socketPath, '--admin', 'root', '--sync', '--synctime', '5', '--hook', '/bin/true');
  let redis: Redis | undefined;
  for (let i = 0; i < 100 && redis === undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (existsSync(socketPath)) redis = new Redis({ path: socketPath, protocol: 2, maxRetriesPerRequest: 0 });
  }
  t.truthy(redis);
  t.teardown(() => redis!.disconnect());
  t.is(await redis!.call('PING'), 'PONG');
  await redis!.call('AUTH', 'root');
  t.is(await redis!.call('STOP'), 'Stopping');
  const r = await running;
  t.is(r.code, 0);
  t.regex(r.stderr, /zdb: ready on .*zdb\.sock/);
});
