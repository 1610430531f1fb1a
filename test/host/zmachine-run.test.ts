// A real container-mode zmachine on this host: env, mounts, logs and (as root) namespaces + chroot,
// with the same script run once isolated and once as a plain child process.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import { probeIsolation } from '../../workers/host/zmachine/isolation.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/minimal-root.js';
import { waitUntil } from '../helpers/wait.js';

const SCRIPT = `#!/bin/sh
echo "pid=$$"
echo "greeting=$GREETING"
read line < data/hello.txt
echo "mount=$line"
if [ -d /usr/share ]; then echo "usr=yes"; else echo "usr=no"; fi
echo "from-machine" > data/out.txt
echo "to-stderr" >&2
exec /bin/sleep 1000
`;

function fixture(): { dir: string; rootDir: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zos-zmachine-run-'));
  const rootDir = join(dir, 'root');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'hello.txt'), 'hello from the host\n');
  buildMinimalRoot(rootDir, ['/bin/sh', '/bin/sleep']);
  writeFileSync(join(rootDir, 'start.sh'), SCRIPT);
  chmodSync(join(rootDir, 'start.sh'), 0o755);
  return { dir, rootDir, dataDir };
}

async function runOnce(isolation: 'auto' | 'plain') {
  const { dir, rootDir, dataDir } = fixture();
  const host = new HostZmachine({ stateDir: join(dir, 'state'), stopGraceS: 0.3, isolation });
  try {
    const status = await host.deploy({
      workloadId: `run_${isolation}`,
      rootDir,
      entrypoint: '/start.sh',
      env: { GREETING: 'hello world' },
      mounts: [{ hostPath: dataDir, mountpoint: '/data' }],
    });
    const log = (): string => readFileSync(status.logPath, 'utf8');
    await waitUntil('the script to reach sleep', log, { until: (text) => text.includes('to-stderr') });
    const out = readFileSync(join(dataDir, 'out.txt'), 'utf8');
    const running = host.status(`run_${isolation}`);
    await host.stop(`run_${isolation}`);
    return { status, running, log: log(), out, stopped: host.status(`run_${isolation}`) };
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('plain mode: env, mount (as a link in the root), stdout+stderr in the log, stop', async (t) => {
  const run = await runOnce('plain');
  t.is(run.status.isolation, 'plain');
  t.is(run.running.state, 'running');
  t.regex(run.log, /greeting=hello world/);
  t.regex(run.log, /mount=hello from the host/);
  t.regex(run.log, /to-stderr/);
  t.regex(run.log, /usr=yes/, 'a plain child sees the host filesystem');
  t.notRegex(run.log, /pid=1\n/);
  t.is(run.out, 'from-machine\n', 'writes through the mount land in the host directory');
  t.is(run.stopped.state, 'stopped');
  t.is(run.stopped.crashes, 0, 'a stop is not a crash');
});

const isolated = probeIsolation('auto');
const nsTest = isolated.mode === 'namespaces+chroot' ? test : test.skip;
if (isolated.mode !== 'namespaces+chroot') console.log(`skipping chroot mode: ${isolated.reason}`);

nsTest('namespaces+chroot mode: PID 1, only the root is visible, bind mount, env, log', async (t) => {
  const run = await runOnce('auto');
  t.is(run.status.isolation, 'namespaces+chroot');
  t.regex(run.log, /pid=1\n/, 'the entrypoint is PID 1 of its own pid namespace');
  t.regex(run.log, /usr=no/, 'chrooted: the host /usr/share is not visible');
  t.regex(run.log, /greeting=hello world/);
  t.regex(run.log, /mount=hello from the host/);
  t.is(run.out, 'from-machine\n');
  t.is(run.stopped.state, 'stopped');
  t.is(run.stopped.crashes, 0);
});
