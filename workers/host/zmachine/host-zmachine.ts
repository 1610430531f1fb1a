// The host's zmachine manager: container-mode machines by workload id, with the operations a
// HostBackend needs (start, stop, CoreX list/start/kill). Leaves out flist materialisation and networks.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../sim/errors.js';
import { WorkerError, WorkerErrorCode } from '../../errors.js';
import type { CgroupRoots } from './cgroup.js';
import type { CorexProcessView } from './corex.js';
import { probeIsolation, type Isolation } from './isolation.js';
import { HostMachine, type HostMachineStatus } from './machine.js';
import { compileSpec, type HostMachineSpec } from './spec.js';

export interface HostZmachineOptions {
  /** Where `<workloadId>.log` files go; created if missing. */
  readonly stateDir: string;
  /** zos's vmd monitor period (10 s); tests shorten it. */
  readonly monitorEveryS?: number;
  /** Time between SIGTERM and SIGKILL on stop; default 10 s. */
  readonly stopGraceS?: number;
  /** 'plain' forces plain child processes even as root. */
  readonly isolation?: 'auto' | 'plain';
  readonly cgroupRoots?: CgroupRoots;
  readonly onDecommission?: (status: HostMachineStatus) => void;
}

export class HostZmachine {
  private readonly machines = new Map<string, HostMachine>();
  readonly isolation: Isolation;
  private readonly monitorEveryS: number;
  private readonly stopGraceS: number;

  constructor(private readonly options: HostZmachineOptions) {
    this.monitorEveryS = positive(options.monitorEveryS ?? 10, 'monitorEveryS');
    this.stopGraceS = positive(options.stopGraceS ?? 10, 'stopGraceS');
    this.isolation = probeIsolation(options.isolation ?? 'auto');
    mkdirSync(options.stateDir, { recursive: true });
  }

  /** Validates the spec, registers the machine and starts it; a live id is refused. */
  async deploy(spec: HostMachineSpec): Promise<HostMachineStatus> {
    const compiled = compileSpec(spec);
    const existing = this.machines.get(compiled.workloadId);
    if (existing !== undefined && existing.status().state !== 'decommissioned') {
      throw new InputError('zmachine', 'workloadId', `${compiled.workloadId} is already deployed`);
    }
    await existing?.dispose();
    const machine = new HostMachine(compiled, {
      isolation: this.isolation,
      monitorEveryS: this.monitorEveryS,
      stopGraceS: this.stopGraceS,
      logPath: join(this.options.stateDir, `${compiled.workloadId}.log`),
      ...(this.options.cgroupRoots === undefined ? {} : { cgroupRoots: this.options.cgroupRoots }),
      ...(this.options.onDecommission === undefined ? {} : { onDecommission: this.options.onDecommission }),
    });
    this.machines.set(compiled.workloadId, machine);
    await machine.start();
    return machine.status();
  }

  async start(workloadId: string): Promise<void> {
    return this.get(workloadId).start();
  }

  async stop(workloadId: string): Promise<void> {
    return this.get(workloadId).stop();
  }

  status(workloadId: string): HostMachineStatus {
    return this.get(workloadId).status();
  }

  ps(workloadId: string): CorexProcessView[] {
    return this.get(workloadId).ps();
  }

  async exec(workloadId: string, commandLine: string): Promise<number> {
    if (typeof commandLine !== 'string' || commandLine.trim() === '') throw new InputError('corex', 'command', 'must be a non-empty string');
    return this.get(workloadId).exec(commandLine);
  }

  async kill(workloadId: string, pid: number): Promise<void> {
    if (!Number.isInteger(pid) || pid <= 0) throw new InputError('corex', 'pid', 'must be a positive integer');
    return this.get(workloadId).kill(pid);
  }

  /** Stops and forgets the machine; its log file stays. */
  async remove(workloadId: string): Promise<void> {
    await this.get(workloadId).dispose();
    this.machines.delete(workloadId);
  }

  /** Stops every machine: call on shutdown and in test teardown. */
  async close(): Promise<void> {
    await Promise.all([...this.machines.keys()].map((id) => this.remove(id)));
  }

  private get(workloadId: string): HostMachine {
    const machine = this.machines.get(workloadId);
    if (machine === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
    return machine;
  }
}

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new InputError('HostZmachine', field, 'must be > 0');
  return value;
}
