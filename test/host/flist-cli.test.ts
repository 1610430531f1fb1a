// `zos-testbed flist pack|materialise` and `zos-testbed hub` as a user runs them: the real binary in
// child processes, a hub on a free port, exit codes, one-line errors, and a clean SIGTERM.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { HostBlockCache } from '../../workers/host/flist/block-cache.js';
import { parseFlist } from '../../workers/host/flist/format.js';
import { HttpHub } from '../../workers/host/flist/http-hub.js';
import { materialise } from '../../workers/host/flist/materialise.js';
import { builtBinary, cli, repoRoot, stackFrame } from '../helpers/cli.js';
import { makeTree, removeDir, snapshot, tempDir } from './flist-fixture.js';

// The shell kills the hub when our stdin pipe closes, so no hub outlives this file, even after kill -9.
const watchdog = 'exec 3<&0; "$@" & pid=$!; echo "hub-pid $pid" >&2; { cat <&3 >/dev/null; kill -9 $pid 2>/dev/null; } & w=$!; wait $pid; code=$?; kill $w 2>/dev/null; exit $code';

interface HubProcess {
  readonly port: number;
  stderr(): string;
  /** SIGTERM the hub and resolve with its exit code. */
  stop(): Promise<number>;
}

async function startHub(dir: string): Promise<HubProcess> {
  const args = [builtBinary(), 'hub', '--port', '0', '--dir', dir];
  const child = spawn('sh', ['-c', watchdog, 'hub-watchdog', process.execPath, ...args], { cwd: repoRoot, stdio: 'pipe' });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 128)));
  const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub not ready after 60 s: ${err}`)), 60_000);
    child.stderr.on('data', () => {
      const port = /hub: ready on [^\s]+:(\d+)/.exec(err);
      const pid = /hub-pid (\d+)/.exec(err);
      if (port && pid) {
        clearTimeout(timer);
        resolve({ port: Number(port[1]), pid: Number(pid[1]) });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${code}) before it was ready: ${err}`));
    });
  }).catch((error: unknown) => {
    child.stdin.end();
    throw error;
  });
  return {
    port: ready.port,
    stderr: () => err,
    async stop() {
      process.kill(ready.pid, 'SIGTERM');
      const code = await exited;
      child.stdin.end();
      return code;
    },
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

test('flist pack to a directory hub, then flist materialise: same tree, counts on stdout as JSON', async (t) => {
  const root = tempDir('flist-cli');
  t.teardown(() => removeDir(root));
  mkdirSync(join(root, 'src'));
  makeTree(join(root, 'src'));
  const packed = await cli('flist', 'pack', join(root, 'src'), join(root, 'tree.fl'), '--json');
  t.is(packed.code, 0, packed.stderr);
  const doc = JSON.parse(packed.stdout) as { files: number; blocks: number; uploadedBlocks: number; hub: string; name: string };
  t.like(doc, { files: 7, blocks: 7, uploadedBlocks: 7, name: 'tree.fl' });
  t.true(existsSync(join(root, 'tree.fl.hub', 'flists', 'tree.fl')), 'the default hub is OUT.hub');
  t.is(parseFlist(readFileSync(join(root, 'tree.fl')), 'tree.fl').entries.length, 15);
  const out = await cli('flist', 'materialise', join(root, 'tree.fl'), join(root, 'dst'), '--hub', join(root, 'tree.fl.hub'), '--cache', join(root, 'cache'));
  t.is(out.code, 0, out.stderr);
  t.regex(out.stdout, /materialised 7 files, 6 dirs, 2 symlinks .* fetched 7 blocks/);
  t.deepEqual(snapshot(join(root, 'dst')), snapshot(join(root, 'src')));
});

test('hub serves what flist pack uploads over HTTP, and stops cleanly on SIGTERM', async (t) => {
  const root = tempDir('flist-cli-hub');
  t.teardown(() => removeDir(root));
  mkdirSync(join(root, 'src'));
  makeTree(join(root, 'src'));
  const hub = await startHub(join(root, 'hub'));
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await hub.stop();
  });
  const url = `http://127.0.0.1:${hub.port}/`;
  const packed = await cli('flist', 'pack', join(root, 'src'), join(root, 'tree.fl'), '--hub', url);
  t.is(packed.code, 0, packed.stderr);
  t.regex(packed.stdout, new RegExp(`packed 7 files .* published as tree\\.fl on hub ${url.replaceAll('.', '\\.')}`));
  const meta = parseFlist(readFileSync(join(root, 'tree.fl')), 'tree.fl');
  await materialise(meta, join(root, 'dst'), { cache: new HostBlockCache(join(root, 'cache'), new HttpHub(url)) });
  t.deepEqual(snapshot(join(root, 'dst')), snapshot(join(root, 'src')));
  stopped = true;
  t.is(await hub.stop(), 0);
  t.regex(hub.stderr(), /hub: stopped after \d+ requests/);
  t.true(await portIsFree(hub.port));
});

test('bad input exits 2 with one line naming the problem: not a directory, unreachable hub, taken port, no --dir', async (t) => {
  const root = tempDir('flist-cli-bad');
  t.teardown(() => removeDir(root));
  mkdirSync(join(root, 'src'));
  makeTree(join(root, 'src'));
  // A port nobody listens on: taken and released at once.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const freePort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const takenPort = (holder.address() as { port: number }).port;
  // Independent processes, started together: each costs seconds of start-up on a loaded box.
  const [notDir, down, taken, noDir] = await Promise.all([
    cli('flist', 'pack', join(root, 'nope'), join(root, 'x.fl')),
    cli('flist', 'pack', join(root, 'src'), join(root, 'y.fl'), '--hub', `http://127.0.0.1:${freePort}/`),
    cli('hub', '--dir', join(root, 'hub'), '--port', String(takenPort)),
    cli('hub', '--port', '0'),
  ]);
  t.is(notDir.code, 2, notDir.stderr);
  t.regex(notDir.stderr, /DIR: .*nope is not a directory/);
  t.is(down.code, 2, down.stderr);
  t.regex(down.stderr, new RegExp(`--hub: hub http://127\\.0\\.0\\.1:${freePort}/ unreachable: cannot fetch block [0-9a-f]{64} \\(ECONNREFUSED\\)`));
  t.is(taken.code, 2, taken.stderr);
  t.regex(taken.stderr, /--port: 127\.0\.0\.1:\d+ is already in use/);
  t.is(noDir.code, 2, noDir.stderr);
  t.regex(noDir.stderr, /--dir: is required/);
  for (const r of [notDir, down, taken, noDir]) t.notRegex(r.stderr, stackFrame);
});
