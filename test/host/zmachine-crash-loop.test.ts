// vmd's crash-loop rule on real processes (4 failures within 2 min ⇒ decommissioned with zos's
// message), recovery after one crash, and stop's SIGTERM-then-SIGKILL with its grace period measured.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import type { HostMachineStatus } from '../../workers/host/zmachine/machine.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/minimal-root.js';
import { waitUntil } from '../helpers/wait.js';

function machineRoot(t: { teardown(fn: () => void): void }, scripts: Record<string, string>): { dir: string; rootDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zos-zmachine-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rootDir = join(dir, 'root');
  buildMinimalRoot(rootDir, ['/bin/sh', '/bin/sleep']);
  for (const [name, text] of Object.entries(scripts)) {
    writeFileSync(join(rootDir, name), `#!/bin/sh\n${text}`);
    chmodSync(join(rootDir, name), 0o755);
  }
  return { dir, rootDir };
}

test('a machine that always exits is restarted 3 times, then decommissioned as zos reports it', async (t) => {
  const { dir, rootDir } = machineRoot(t, { 'crash.sh': 'echo boom\nexit 3\n' });
  const decommissioned: HostMachineStatus[] = [];
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 0.05, stopGraceS: 0.2, onDecommission: (s) => decommissioned.push(s) });
  t.teardown(() => host.close());
  const startedMs = Date.now();
  await host.deploy({ workloadId: 'crashy', rootDir, entrypoint: '/crash.sh' });
  await waitUntil('decommission', () => host.status('crashy'), { until: () => decommissioned.length > 0 });
  const tookS = (Date.now() - startedMs) / 1000;
  const status = host.status('crashy');
  t.is(status.state, 'decommissioned');
  t.is(status.zosState, 'deleted');
  t.is(status.message, 'deleting vm due to so many crashes');
  t.is(status.lastCrashReason, 'exited with code 3');
  t.is(status.crashes, 4);
  t.is(status.restarts, 3);
  t.deepEqual(decommissioned[0], status);
  t.is(readFileSync(status.logPath, 'utf8').match(/^boom$/gm)?.length, 4);
  await t.throwsAsync(host.start('crashy'), { message: /decommissioned/ });
  t.log(`4 crashes to decommission in ${tookS.toFixed(2)} s with a 0.05 s monitor period`);
});

test('a machine that crashes once and then stays up keeps running (the counter does not decommission it)', async (t) => {
  const { dir, rootDir } = machineRoot(t, { 'once.sh': 'if [ -e /tmp/ran ]; then exec /bin/sleep 1000; fi\necho > /tmp/ran\nexit 1\n' });
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 0.05, stopGraceS: 0.2 });
  t.teardown(() => host.close());
  await host.deploy({ workloadId: 'once', rootDir, entrypoint: '/once.sh' });
  await waitUntil('one restart', () => host.status('once'), { until: (s) => s.restarts === 1 && s.state === 'running' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const status = host.status('once');
  t.is(status.state, 'running');
  t.is(status.crashes, 1);
  t.is(status.lastCrashReason, 'exited with code 1');
});

test('stop sends SIGTERM (a handler runs) and SIGKILLs after the grace period when ignored; start runs it again', async (t) => {
  const { dir, rootDir } = machineRoot(t, {
    'polite.sh': "trap 'echo got-term; exit 0' TERM\necho ready\n/bin/sleep 1000 &\nwait\n",
    'stubborn.sh': "trap '' TERM\necho ready\nwhile :; do /bin/sleep 1000; done\n",
  });
  const graceS = 0.6;
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 0.05, stopGraceS: graceS });
  t.teardown(() => host.close());
  const polite = await host.deploy({ workloadId: 'polite', rootDir, entrypoint: '/polite.sh' });
  const stubborn = await host.deploy({ workloadId: 'stubborn', rootDir, entrypoint: '/stubborn.sh' });
  await waitUntil('stubborn ready', () => readFileSync(stubborn.logPath, 'utf8'), { until: (text) => text.includes('ready') });
  await waitUntil('polite ready', () => readFileSync(polite.logPath, 'utf8'), { until: (text) => text.includes('ready') });

  let t0 = Date.now();
  await host.stop('polite');
  const politeS = (Date.now() - t0) / 1000;
  t0 = Date.now();
  await host.stop('stubborn');
  const stubbornS = (Date.now() - t0) / 1000;
  t.regex(readFileSync(polite.logPath, 'utf8'), /got-term/);
  t.true(politeS < graceS, `polite stop took ${politeS} s`);
  t.true(stubbornS >= graceS * 0.95, `stubborn stop took ${stubbornS} s, grace ${graceS} s`);
  t.is(host.status('stubborn').state, 'stopped');
  t.is(host.status('stubborn').crashes, 0);
  t.log(`stop: SIGTERM honoured in ${politeS.toFixed(3)} s; ignored → SIGKILL after ${stubbornS.toFixed(3)} s (grace ${graceS} s)`);

  await host.start('stubborn');
  t.is(host.status('stubborn').state, 'running');
  const log = (): string => readFileSync(stubborn.logPath, 'utf8');
  await waitUntil('second ready', log, { until: (text) => (text.match(/^ready$/gm)?.length ?? 0) === 2 });
  t.pass();
});

test('bad specs are refused with the field named; unknown ids are E_NOT_FOUND', async (t) => {
  const { dir, rootDir } = machineRoot(t, {});
  mkdirSync(join(dir, 'state'));
  const host = new HostZmachine({ stateDir: join(dir, 'state') });
  t.teardown(() => host.close());
  await t.throwsAsync(host.deploy({ workloadId: 'bad id', rootDir, entrypoint: '/x' }), { message: /field workloadId/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir: join(dir, 'nope'), entrypoint: '/x' }), { message: /field rootDir/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: 'relative.sh' }), { message: /field entrypoint/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: '/x', env: { 'BAD-NAME': 'v' } }), { message: /field env\.BAD-NAME/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: '/x', mounts: [{ hostPath: dir, mountpoint: 'rel' }] }), { message: /field mounts\[0\]\.mountpoint/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: '/x', mounts: [{ hostPath: join(dir, 'nope'), mountpoint: '/m' }] }), { message: /field mounts\[0\]\.hostPath/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: '/x', memoryBytes: 1024 }), { message: /field memoryBytes/ });
  await t.throwsAsync(host.deploy({ workloadId: 'a', rootDir, entrypoint: '/x', cpu: 0 }), { message: /field cpu/ });
  await t.throwsAsync(host.start('ghost'), { message: /zmachine ghost not found/ });
  t.throws(() => new HostZmachine({ stateDir: dir, monitorEveryS: 0 }), { message: /field monitorEveryS/ });
});
