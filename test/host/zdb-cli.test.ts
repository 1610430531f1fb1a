// `zos-testbed zdb` as a command: the user's mistakes (no data dir, a taken port, a directory of
// foreign files) exit 2 with one line naming the flag, never a stack trace.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
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
