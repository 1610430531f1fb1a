// One real zmachine on this host: in container mode its entrypoint as PID 1, in VM mode (the flist
// brings a kernel) a qemu process booting it; vmd's crash-loop rule (restart at the next monitor tick,
// decommission at 4 failures within 2 min) applies to either process; stop/start and CoreX.

import { closeSync, openSync, writeSync } from 'node:fs';
import { CRASH_LOOP_REASON, CrashLoopCounter } from '../../../sim/grid/primitives/crash-loop.js';
import { CorexUnreachableError } from '../../../sim/grid/primitives/corex.js';
import { WorkerError, WorkerErrorCode } from '../../errors.js';
import { probeAccel, QEMU_OVERHEAD_BYTES, qemuLaunch, type Accel } from '../vm/qemu.js';
import { createMachineCgroup, type CgroupRoots, type MachineCgroup } from './cgroup.js';
import { HostCorex, type CorexProcessView } from './corex.js';
import { mainLaunch, type Isolation } from './isolation.js';
import { describeExit, launchGated, signalGroup, stopGroup, type ExitInfo, type Launched } from './launch.js';
import type { CompiledSpec } from './spec.js';

/** `down`: crashed, restart pending at the next monitor tick. `decommissioned`: the crash-loop rule gave up. */
export type HostMachineState = 'running' | 'down' | 'stopped' | 'decommissioned';

export interface HostMachineStatus {
  readonly workloadId: string;
  readonly state: HostMachineState;
  /** The workload state zos would report: `deleted` after decommission, else `ok`. */
  readonly zosState: 'ok' | 'deleted';
  /** zos's message: the crash-loop reason word for word once decommissioned, else ''. */
  readonly message: string;
  readonly lastCrashReason: string;
  readonly crashes: number;
  readonly restarts: number;
  readonly pid: number | undefined;
  readonly isolation: Isolation['mode'];
  readonly isolationReason: string;
  /** 'vm' when the flist brings a kernel (zos's rule), with the accelerator qemu uses. */
  readonly mode: 'container' | 'vm';
  readonly accel: Accel | undefined;
  /** Where the limits are enforced, or "limits not enforced: …". */
  readonly limits: string;
  readonly logPath: string;
}

export interface MachineRuntime {
  readonly isolation: Isolation;
  /** vmd's monitor period; a crashed machine restarts this long after its exit. zos: 10 s. */
  readonly monitorEveryS: number;
  readonly stopGraceS: number;
  readonly logPath: string;
  readonly cgroupRoots?: CgroupRoots;
  readonly onDecommission?: (status: HostMachineStatus) => void;
}

export class HostMachine {
  private state: HostMachineState = 'stopped';
  private main: Launched | undefined;
  private cgroup: MachineCgroup | undefined;
  private oomSeen = 0;
  private failures = new CrashLoopCounter();
  private restartTimer: NodeJS.Timeout | undefined;
  private crashes = 0;
  private restarts = 0;
  private lastCrashReason = '';
  private mainStartedAtMs = 0;
  /** Bumped by every halt, so a launch that was in flight during a stop kills what it started. */
  private epoch = 0;
  private readonly logFd: number;
  private readonly corex: HostCorex;
  private readonly accel: Accel | undefined;

  constructor(
    readonly spec: CompiledSpec,
    private readonly runtime: MachineRuntime,
  ) {
    this.logFd = openSync(runtime.logPath, 'a');
    this.corex = new HostCorex(spec, runtime.isolation, this.logFd);
    this.accel = spec.boot.kind === 'kernel' ? probeAccel() : undefined;
  }

  /** Starts a stopped machine; a running or restarting one is left alone. */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'down') return;
    if (this.state === 'decommissioned') {
      throw new WorkerError(WorkerErrorCode.workloadFailed, `${this.spec.workloadId}: decommissioned (${CRASH_LOOP_REASON}); deploy it again`);
    }
    this.failures = new CrashLoopCounter();
    this.oomSeen = 0;
    // qemu needs room of its own besides the guest's RAM.
    const limits = { cpu: this.spec.cpu, memoryBytes: this.spec.memoryBytes + (this.accel === undefined ? 0 : QEMU_OVERHEAD_BYTES) };
    this.cgroup = createMachineCgroup(`${this.spec.workloadId}-${process.pid}`, limits, this.runtime.cgroupRoots);
    const how = this.accel === undefined ? `${this.runtime.isolation.mode}: ${this.runtime.isolation.reason}` : `vm, ${this.accel.accel}: ${this.accel.reason}`;
    this.note(`start (${how}; ${this.cgroup.note})`);
    try {
      await this.launchMain();
    } catch (error) {
      await this.cgroup.remove();
      throw error;
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; cancels a pending restart. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'decommissioned') return;
    this.state = 'stopped';
    await this.halt();
    this.note('stopped');
  }

  /** Stops and releases the log file; the machine is unusable afterwards. */
  async dispose(): Promise<void> {
    await this.stop();
    closeSync(this.logFd);
  }

  status(): HostMachineStatus {
    const decommissioned = this.state === 'decommissioned';
    return {
      workloadId: this.spec.workloadId,
      state: this.state,
      zosState: decommissioned ? 'deleted' : 'ok',
      message: decommissioned ? CRASH_LOOP_REASON : '',
      lastCrashReason: this.lastCrashReason,
      crashes: this.crashes,
      restarts: this.restarts,
      pid: this.main?.pid,
      isolation: this.runtime.isolation.mode,
      isolationReason: this.runtime.isolation.reason,
      mode: this.accel === undefined ? 'container' : 'vm',
      accel: this.accel,
      limits: this.cgroup?.note ?? 'not started',
      logPath: this.runtime.logPath,
    };
  }

  /** CoreX's list: the entrypoint first, then every command started through exec() still alive. */
  ps(): CorexProcessView[] {
    const main = this.requireRunning();
    return [{ pid: main.pid, command: this.spec.argv.join(' '), startedAtMs: this.mainStartedAtMs }, ...this.corex.list()];
  }

  async exec(commandLine: string): Promise<number> {
    const main = this.requireRunning();
    // Our limitation: corex would run inside the guest, which the host cannot enter.
    if (this.accel !== undefined) throw new CorexUnreachableError(this.spec.workloadId, 'CoreX inside a VM is not reachable from the host yet');
    return this.corex.start(commandLine, main.pid, this.cgroup!);
  }

  /** Killing the entrypoint kills the machine, as killing PID 1 (corex) does in zos. */
  async kill(pid: number): Promise<void> {
    const main = this.requireRunning();
    if (pid === main.pid) {
      signalGroup(pid, 'SIGKILL');
      await main.exited;
      return;
    }
    await this.corex.kill(pid);
  }

  private requireRunning(): Launched {
    if (this.state !== 'running' || this.main === undefined) {
      throw new CorexUnreachableError(this.spec.workloadId, `machine is ${this.state}`);
    }
    return this.main;
  }

  /** False when a stop overtook the launch (the new process is already killed again). */
  private async launchMain(): Promise<boolean> {
    const plan = this.accel === undefined ? mainLaunch(this.runtime.isolation, this.spec) : qemuLaunch(this.spec, this.spec.nic, this.accel);
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...this.spec.env };
    const epoch = this.epoch;
    const launched = await launchGated(plan, env, this.logFd, this.cgroup!);
    if (epoch !== this.epoch) {
      signalGroup(launched.pid, 'SIGKILL');
      await launched.exited;
      return false;
    }
    this.main = launched;
    this.mainStartedAtMs = Date.now();
    this.state = 'running';
    void launched.exited.then((exit) => this.onMainExit(launched, exit));
    return true;
  }

  private onMainExit(launched: Launched, exit: ExitInfo): void {
    if (this.main !== launched || this.state !== 'running') return;
    this.main = undefined;
    // Whatever the entrypoint left behind dies with it, as in a VM that stopped.
    signalGroup(launched.pid, 'SIGKILL');
    void this.corex.killAll();
    const oomKills = this.cgroup?.oomKills() ?? 0;
    this.lastCrashReason = describeExit(exit, oomKills > this.oomSeen);
    this.oomSeen = oomKills;
    this.crashes++;
    this.state = 'down';
    this.note(`crashed: ${this.lastCrashReason}`);
    this.restartTimer = setTimeout(() => void this.monitorTick(), this.runtime.monitorEveryS * 1000);
  }

  /** vmd's tick for a machine found down: count the failure, then restart or decommission. */
  private async monitorTick(): Promise<void> {
    this.restartTimer = undefined;
    if (this.state !== 'down') return;
    if (this.failures.recordFailure(Date.now() / 1000)) return this.decommission(CRASH_LOOP_REASON);
    this.restarts++;
    try {
      if (await this.launchMain()) this.note(`restarted (#${this.restarts})`);
    } catch (error) {
      // zos decommissions on a failed restart too.
      this.lastCrashReason = `restart failed: ${(error as Error).message}`;
      await this.decommission(CRASH_LOOP_REASON);
    }
  }

  private async decommission(reason: string): Promise<void> {
    this.state = 'decommissioned';
    await this.halt();
    this.note(`${reason} (last: ${this.lastCrashReason})`);
    this.runtime.onDecommission?.(this.status());
  }

  private async halt(): Promise<void> {
    this.epoch++;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const main = this.main;
    this.main = undefined;
    if (main !== undefined) await stopGroup(main, this.runtime.stopGraceS);
    await this.corex.killAll();
    await this.cgroup?.remove();
  }

  private note(line: string): void {
    writeSync(this.logFd, `[zmachine ${new Date().toISOString()}] ${line}\n`);
  }
}
