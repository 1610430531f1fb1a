// vmd's crash-loop rule on a VM zmachine: the guest's init exits, the kernel panics (panic=1), qemu
// exits (-no-reboot); the machine restarts at the next monitor tick and is decommissioned with zos's
// message at the 4th failure within 2 minutes. No qemu process remains.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { HostZmachine } from '../../../workers/host/zmachine/host-zmachine.js';
import type { HostMachineStatus } from '../../../workers/host/zmachine/machine.js';
import { waitUntil } from '../../helpers/wait.js';
import { freePort, qemuProcesses, vmGuestOrReason } from './vm-fixture.js';

const guest = vmGuestOrReason();
const vmTest = typeof guest === 'string' ? test.skip : test;
if (typeof guest === 'string') console.log(`skipping the VM crash-loop test: ${guest}`);

vmTest('a VM whose guest keeps crashing is restarted 3 times, then decommissioned as zos reports it', async (t) => {
  t.timeout(600_000);
  const { rootDir } = guest as Exclude<typeof guest, string>;
  const dir = mkdtempSync(join(tmpdir(), 'zos-vm-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The forward is unused by the guest; it tags this test's qemu processes in /proc.
  const port = await freePort();
  const needle = `hostfwd=tcp:127.0.0.1:${port}-`;
  const decommissioned: HostMachineStatus[] = [];
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 0.05, stopGraceS: 5, onDecommission: (s) => decommissioned.push(s) });
  t.teardown(() => host.close());
  const startedMs = Date.now();
  await host.deploy({ workloadId: 'vmcrash', rootDir, entrypoint: '/sbin/crash', memoryBytes: 128 * 1024 * 1024, nic: { kind: 'user', forwards: [{ hostPort: port, guestPort: 8080 }] } });
  t.is(qemuProcesses(needle).length, 1, 'qemu runs the guest');
  await waitUntil('decommission', () => decommissioned.length, { timeoutMs: 540_000, intervalMs: 200 });
  const status = host.status('vmcrash');
  t.log(`4 guest crashes to decommission in ${((Date.now() - startedMs) / 1000).toFixed(1)} s (${status.accel?.accel})`);
  t.is(status.mode, 'vm');
  t.is(status.state, 'decommissioned');
  t.is(status.zosState, 'deleted');
  t.is(status.message, 'deleting vm due to so many crashes');
  t.is(status.crashes, 4);
  t.is(status.restarts, 3);
  // qemu exits on its own when the guest panics with -no-reboot: not killed by us.
  t.is(status.lastCrashReason, 'exited with code 0');
  const log = readFileSync(status.logPath, 'utf8');
  t.is(log.match(/zmachine-guest: crashing/g)?.length, 4, 'each boot reached the crashing init');
  t.is(log.match(/Kernel panic - not syncing: Attempted to kill init!/g)?.length, 4);
  t.deepEqual(qemuProcesses(needle), [], 'no qemu process remains');
  await t.throwsAsync(host.start('vmcrash'), { message: /decommissioned/ });
});
