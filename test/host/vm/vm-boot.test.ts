// A VM-mode zmachine on this host: zos's container-or-VM decision from the flist's files, qemu's
// command line (KVM or TCG, memory, vCPUs, 9p root, NIC), and a real busybox guest booted under qemu
// that answers HTTP on its forwarded port, with its console in the machine's log; no qemu remains.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import test from 'ava';
import { detectFlistBoot } from '../../../workers/host/vm/flist-boot.js';
import { probeAccel, qemuLaunch } from '../../../workers/host/vm/qemu.js';
import { HostZmachine } from '../../../workers/host/zmachine/host-zmachine.js';
import { compileSpec } from '../../../workers/host/zmachine/spec.js';
import { waitUntil } from '../../helpers/wait.js';
import { freePort, qemuProcesses, vmGuestOrReason } from './vm-fixture.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zos-vm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the flist decides: no kernel is a container, /boot/vmlinuz (+ initrd) a VM, /image.raw a disk VM', (t) => {
  const dir = tempDir(t);
  t.deepEqual(detectFlistBoot(dir), { kind: 'container' });
  mkdirSync(join(dir, 'boot'));
  writeFileSync(join(dir, 'boot', 'vmlinuz'), 'k');
  t.deepEqual(detectFlistBoot(dir), { kind: 'kernel', kernelPath: join(dir, 'boot', 'vmlinuz'), initrdPath: undefined });
  writeFileSync(join(dir, 'boot', 'initrd.img'), 'i');
  t.deepEqual(detectFlistBoot(dir), { kind: 'kernel', kernelPath: join(dir, 'boot', 'vmlinuz'), initrdPath: join(dir, 'boot', 'initrd.img') });
  writeFileSync(join(dir, 'image.raw'), 'disk');
  t.deepEqual(detectFlistBoot(dir), { kind: 'disk', imagePath: join(dir, 'image.raw') });
  t.throws(() => compileSpec({ workloadId: 'disk', rootDir: dir, entrypoint: '/sbin/init' }), { message: /flist.*image\.raw/ });
});

test("the flist's kernel may not be a directory nor a symlink out of the flist (zos's checks)", (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'boot', 'vmlinuz'), { recursive: true });
  t.throws(() => detectFlistBoot(dir), { message: /path '\/boot\/vmlinuz' cannot be a directory/ });
  rmSync(join(dir, 'boot', 'vmlinuz'), { recursive: true });
  // zos joins the link's text onto the flist root, so a relative link climbing out is refused.
  writeFileSync(join(dir, '..', `${basename(dir)}-kernel`), 'k');
  t.teardown(() => rmSync(join(dir, '..', `${basename(dir)}-kernel`), { force: true }));
  symlinkSync(`../../${basename(dir)}-kernel`, join(dir, 'boot', 'vmlinuz'));
  t.throws(() => detectFlistBoot(dir), { message: /points to invalid location/ });
});

test("qemu's command line: KVM only with a usable /dev/kvm, memory and vCPUs from the workload, 9p root, forwarded port", (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'boot'));
  writeFileSync(join(dir, 'boot', 'vmlinuz'), 'k');
  const spec = compileSpec({ workloadId: 'plan', rootDir: dir, entrypoint: '/sbin/serve --port 80', env: { GREETING: 'two words' }, cpu: 2, memoryBytes: 512 * 1024 * 1024, nic: { kind: 'user', forwards: [{ hostPort: 18080, guestPort: 8080 }] } });
  const tcg = probeAccel(join(dir, 'no-kvm'));
  t.is(tcg.accel, 'tcg');
  const plan = qemuLaunch(spec, spec.nic, tcg, '/usr/bin/qemu-system-x86_64');
  const value = (flag: string) => plan.args[plan.args.indexOf(flag) + 1];
  t.false(plan.args.includes('-enable-kvm'));
  t.is(value('-accel'), 'tcg,tb-size=64');
  t.is(value('-m'), '512');
  t.is(value('-smp'), '2');
  t.is(value('-virtfs'), `local,path=${dir},mount_tag=vroot,security_model=none,readonly=on`);
  t.is(value('-netdev'), 'user,id=n0,hostfwd=tcp:127.0.0.1:18080-:8080');
  t.regex(value('-append')!, /panic=1 .*init=\/sbin\/serve .*GREETING="two words" -- --port 80$/);
  t.true(plan.args.includes('-no-reboot'));
  const kvm = qemuLaunch(spec, spec.nic, { accel: 'kvm', reason: 'test' }, '/usr/bin/qemu-system-x86_64');
  t.true(kvm.args.includes('-enable-kvm'));
  t.is(probeAccel().accel, existsSync('/dev/kvm') ? 'kvm' : 'tcg');
  // The Z-Net seam: a tap in the node's namespace, qemu started inside it.
  const tap = qemuLaunch({ ...spec, nic: { kind: 'tap', ifname: 'tap-plan', mac: '02:00:00:00:00:01', netns: 'node-1', ipCidr: '10.20.2.5/24', gateway: '10.20.2.1' } }, { kind: 'tap', ifname: 'tap-plan', mac: '02:00:00:00:00:01', netns: 'node-1', ipCidr: '10.20.2.5/24', gateway: '10.20.2.1' }, tcg, '/usr/bin/qemu-system-x86_64');
  t.deepEqual(tap.args.slice(0, 4), ['netns', 'exec', 'node-1', '/usr/bin/qemu-system-x86_64']);
  t.true(tap.args.includes('tap,id=n0,ifname=tap-plan,script=no,downscript=no'));
  t.regex(tap.args.join(' '), /zmachine\.ip=10\.20\.2\.5\/24 zmachine\.gw=10\.20\.2\.1/);
  t.throws(() => compileSpec({ workloadId: 'half', rootDir: dir, entrypoint: '/sbin/serve', cpu: 0.5 }), { message: /cpu.*whole number/ });
});

const guest = vmGuestOrReason();
const bootTest = typeof guest === 'string' ? test.skip : test;
if (typeof guest === 'string') console.log(`skipping the VM boot test: ${guest}`);

bootTest('a VM zmachine boots the busybox guest under qemu and answers HTTP on its forwarded port', async (t) => {
  t.timeout(300_000);
  const { rootDir } = guest as Exclude<typeof guest, string>;
  const dir = tempDir(t);
  const port = await freePort();
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 1, stopGraceS: 5 });
  t.teardown(() => host.close());
  const startedMs = Date.now();
  const status = await host.deploy({ workloadId: 'vm1', rootDir, entrypoint: '/sbin/serve', env: { GREETING: 'hi there' }, cpu: 1, memoryBytes: 256 * 1024 * 1024, nic: { kind: 'user', forwards: [{ hostPort: port, guestPort: 8080 }] } });
  t.is(status.mode, 'vm');
  t.is(status.accel?.accel, existsSync('/dev/kvm') ? 'kvm' : 'tcg');
  const body = await waitUntil('the guest answering HTTP', async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
      return await response.text();
    } catch {
      return '';
    }
  }, { until: (text) => text !== '', timeoutMs: 240_000, intervalMs: 500 });
  t.log(`boot to first HTTP answer: ${((Date.now() - startedMs) / 1000).toFixed(1)} s (${status.accel?.accel})`);
  t.is(body, 'hello from a VM zmachine\n');
  const log = readFileSync(status.logPath, 'utf8');
  t.regex(log, /zmachine-guest: serving on 8080 \(hi there\)/, 'console captured, env reached the guest');
  t.regex(log, /start \(vm, (kvm|tcg)/);
  t.is(host.status('vm1').state, 'running');
  t.deepEqual(qemuProcesses(`hostfwd=tcp:127.0.0.1:${port}-`), [host.status('vm1').pid]);
  await host.close();
  t.deepEqual(qemuProcesses(`hostfwd=tcp:127.0.0.1:${port}-`), [], 'no qemu process remains');
});
