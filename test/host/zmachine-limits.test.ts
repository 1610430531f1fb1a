// CPU and memory limits of a real host zmachine through cgroups (v2, or v1 on hybrid hosts): an
// allocating process is OOM-killed at its memory limit and a busy loop gets only its CPU quota.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createMachineCgroup } from '../../workers/host/zmachine/cgroup.js';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/minimal-root.js';
import { waitUntil } from '../helpers/wait.js';

const MiB = 1024 * 1024;

// Probe once what this host offers; the limit tests need a real limiter, and say why they skip.
const probe = createMachineCgroup(`probe-${process.pid}`, { cpu: 1, memoryBytes: 64 * MiB });
await probe.remove();
const limited = probe.kind === 'none' ? test.skip : test;
if (probe.kind === 'none') console.log(`skipping limit tests: ${probe.note}`);

function machineRoot(t: { teardown(fn: () => void): void }, name: string, script: string): { dir: string; rootDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zos-zmachine-limits-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rootDir = join(dir, 'root');
  buildMinimalRoot(rootDir, ['/bin/sh', '/bin/sleep']);
  writeFileSync(join(rootDir, name), `#!/bin/sh\n${script}`);
  chmodSync(join(rootDir, name), 0o755);
  return { dir, rootDir };
}

limited('a process allocating past memoryBytes is OOM-killed and the crash reason says so', async (t) => {
  // Doubles a string 26 times (512 MiB) at most, so a broken limit cannot exhaust the host.
  const { dir, rootDir } = machineRoot(t, 'grow.sh', 'x=aaaaaaaa; i=0\nwhile [ $i -lt 26 ]; do x="$x$x"; i=$((i+1)); done\necho survived\nexec /bin/sleep 1000\n');
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 30, stopGraceS: 0.2 });
  t.teardown(() => host.close());
  const status = await host.deploy({ workloadId: 'grow', rootDir, entrypoint: '/grow.sh', memoryBytes: 32 * MiB });
  t.regex(status.limits, /^cgroup v[12] /);
  await waitUntil('the OOM kill', () => host.status('grow'), { until: (s) => s.crashes === 1, timeoutMs: 15_000 });
  const after = host.status('grow');
  t.is(after.state, 'down', 'waiting for the monitor tick to restart it');
  t.regex(after.lastCrashReason, /^out of memory \((killed by SIGKILL|exited with code 1)\)$/);
  t.notRegex(readFileSync(status.logPath, 'utf8'), /survived/);
  t.log(`limits: ${status.limits}; crash: ${after.lastCrashReason}`);
});

limited('a busy loop with cpu 0.1 gets about a tenth of a core', async (t) => {
  const { dir, rootDir } = machineRoot(t, 'spin.sh', 'while :; do :; done\n');
  // Plain mode: the machine's pid is the spinning shell itself, so /proc/<pid>/stat is its CPU time.
  const host = new HostZmachine({ stateDir: join(dir, 'state'), isolation: 'plain', stopGraceS: 0.2 });
  t.teardown(() => host.close());
  const status = await host.deploy({ workloadId: 'spin', rootDir, entrypoint: '/spin.sh', cpu: 0.1 });
  const wallS = 1.5;
  await new Promise((resolve) => setTimeout(resolve, wallS * 1000));
  const fields = readFileSync(`/proc/${status.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in 100 Hz ticks
  t.log(`cpu 0.1 for ${wallS} s wall: used ${cpuS.toFixed(2)} CPU-s (unlimited would be ~${wallS})`);
  t.true(cpuS <= 0.1 * wallS + 0.15, `used ${cpuS} CPU-s`);
  t.true(cpuS > 0.02, 'it did run');
});

// This host has cgroup v2 only without controllers (hybrid), so the v2 writes are checked on a
// directory laid out like a cgroup2 mount: the same file names, values and order the kernel expects.
test('cgroup v2 protocol: subtree_control enabled, memory.max / cpu.max written, pid added, removed after', async (t) => {
  const v2Root = mkdtempSync(join(tmpdir(), 'zos-fake-cgroup2-'));
  t.teardown(() => rmSync(v2Root, { recursive: true, force: true }));
  writeFileSync(join(v2Root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  const cgroup = createMachineCgroup('m1', { cpu: 1.5, memoryBytes: 64 * MiB }, { v2Root });
  const dir = join(v2Root, 'zos-testbed', 'm1');
  t.is(cgroup.kind, 'v2');
  t.is(cgroup.note, `cgroup v2 ${dir}`);
  t.is(readFileSync(join(v2Root, 'cgroup.subtree_control'), 'utf8'), '+cpu +memory');
  t.is(readFileSync(join(dir, 'memory.max'), 'utf8'), String(64 * MiB));
  t.is(readFileSync(join(dir, 'cpu.max'), 'utf8'), '150000 100000');
  cgroup.add(4242);
  t.is(readFileSync(join(dir, 'cgroup.procs'), 'utf8'), '4242');
  writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
  t.is(cgroup.oomKills(), 1);
  for (const name of ['memory.max', 'memory.swap.max', 'cpu.max', 'cgroup.procs', 'memory.events', 'cgroup.subtree_control']) rmSync(join(dir, name), { force: true });
  await cgroup.remove();
  t.false(existsSync(dir));
});

test('no usable cgroup: limits are recorded as not enforced, with the reasons', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'zos-no-cgroup-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  mkdirSync(join(empty, 'v2'));
  writeFileSync(join(empty, 'v2', 'cgroup.controllers'), 'pids\n');
  const cgroup = createMachineCgroup('m2', { cpu: 1, memoryBytes: 64 * MiB }, { v2Root: join(empty, 'v2'), v1MemoryRoot: join(empty, 'mem'), v1CpuRoot: join(empty, 'cpu') });
  t.is(cgroup.kind, 'none');
  t.regex(cgroup.note, /^limits not enforced: cgroup v2 at .* lacks the cpu\/memory controllers; no cgroup v1 memory\/cpu hierarchies$/);
  cgroup.add(1); // a no-op, never a crash
  t.is(cgroup.oomKills(), 0);
});
