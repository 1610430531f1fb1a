// The CoreX sockets an owner killed before its close left behind: a socket whose machine namespace is
// gone is removed, one whose namespace exists stays. Needs root (/run/netns, /run/zos-testbed).

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { sweepStaleCorexSockets } from '../../../workers/host/corex/endpoints.js';
import { run } from '../../../workers/host/znet/index.js';

const asRoot = process.getuid?.() === 0 ? test : test.skip;

asRoot('a socket without its namespace is swept; one with it stays', async (t) => {
  mkdirSync('/run/zos-testbed', { recursive: true });
  const dir = mkdtempSync('/run/zos-testbed/corex-sweep-test-');
  const live = `zq${process.pid.toString(36)}cxs`;
  await run(['ip', 'netns', 'add', live]);
  t.teardown(async () => {
    await run(['ip', 'netns', 'del', live]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, `${live}.sock`), '');
  writeFileSync(join(dir, `${live}gone.sock`), '');
  t.deepEqual(sweepStaleCorexSockets(dir), [join(dir, `${live}gone.sock`)]);
  t.true(existsSync(join(dir, `${live}.sock`)));
  t.false(existsSync(join(dir, `${live}gone.sock`)));
});
