// The zmachine manager: container or full-disk VM mode from the flist, boot = flist mount + lazy block
// fetch + CPU work, then vmd's crash monitor (10 s ticks, 4 failures in 2 min ⇒ decommission) and CoreX.
// Leaves out the cloud-container kernel flist, rootfs subvolumes, GPUs, guest memory use and live I/O load.

import type { SimEvent } from '../../engine/events.js';
import type { ProcessGenerator } from '../../engine/process.js';
import type { Rng } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Cpu } from '../../hardware/cpu.js';
import type { BlockCache, ReadResult } from '../../storage/flist/block-cache.js';
import type { Flist } from '../../storage/flist/flist.js';
import type { Deployment, Workload, ZMachineData } from '../deployment.js';
import type { Capacity } from '../node-api.js';
import { WorkloadError, type ManagerContext, type WorkloadManager } from '../provision/manager.js';
import { CorexClient, CorexServer, CorexUnavailableError, CorexUnreachableError, type CorexHost } from './corex.js';
import { CRASH_LOOP_REASON, CrashLoopCounter, nextMonitorTickS } from './crash-loop.js';
import type { MountRegistry } from './mount-registry.js';
import { rootSizeBytes, zmachineResult, type ZMachineResultData } from './zmachine-result.js';

export type MachineMode = 'container' | 'vm';
/** `down`: crashed, waiting for the monitor's next tick. `decommissioned`: the crash-loop rule removed it. */
export type MachineState = 'booting' | 'running' | 'down' | 'paused' | 'stopped' | 'decommissioned';

export interface ZMachineManagerOptions {
  /** The node's block cache: one per node, shared by every zmachine there. */
  readonly cacheOf: (node: number) => BlockCache;
  /** Disks mounted on each node; the zmount manager (or the engine) fills it. */
  readonly mounts: MountRegistry;
  /** Guest boot work in reference-core-seconds; defaults 2 (container: kernel + init) and 6 (VM: firmware + full OS). */
  readonly containerBootWorkCoreS?: number;
  readonly vmBootWorkCoreS?: number;
  /** Spontaneous crashes per second of running time, per machine; 0 (the default) means only crash() crashes. */
  readonly crashRatePerS?: number;
}

/** What the manager tells the provision engine: mark this workload `deleted` with `reason`. */
export interface DecommissionEvent {
  readonly node: number;
  readonly workloadId: string;
  readonly reason: string;
  readonly lastCrashReason: string;
  readonly timeS: number;
}
export type DecommissionListener = (event: DecommissionEvent) => void;

/** A machine as callers may see it. */
export interface ZMachineView {
  readonly workloadId: string;
  readonly node: number;
  readonly state: MachineState;
  readonly mode: MachineMode | undefined;
  readonly bootStartedS: number;
  readonly bootEndedS: number;
  /** Bytes this machine's boot fetched from the hub (0 when every block was cached). */
  readonly bootFetchedBytes: number;
  readonly crashes: number;
  readonly restarts: number;
  readonly result: ZMachineResultData | undefined;
}

class Machine implements ZMachineView {
  state: MachineState = 'booting';
  mode: MachineMode | undefined = undefined;
  flist: Flist | undefined = undefined;
  bootStartedS: number;
  bootEndedS = NaN;
  bootFetchedBytes = 0;
  crashes = 0;
  restarts = 0;
  result: ZMachineResultData | undefined = undefined;
  boot: SimEvent<ZMachineResultData> | null = null;
  corex: CorexServer | null = null;
  lastCrashReason = '';
  crashHandle: number | null = null;
  monitorHandle: number | null = null;
  readonly failures = new CrashLoopCounter();
  /** When its workload id first entered the manager's table: the order a node's machines stop in. */
  seq = 0;
  private stream: Rng | undefined;
  constructor(
    readonly workloadId: string,
    readonly node: number,
    readonly data: ZMachineData,
    readonly sim: Simulation,
    private readonly makeRng: () => Rng,
  ) {
    this.bootStartedS = sim.nowS;
  }

  /** Its own stream, made on the first draw: only spontaneous crashes draw, and most runs have none. */
  get rng(): Rng {
    return (this.stream ??= this.makeRng());
  }
}

export class ZMachineManager implements WorkloadManager {
  readonly type = 'zmachine' as const;
  private readonly machines = new Map<string, Machine>();
  /**
   * The same machines by node, so that a node's power-off touches its own machines only: a scan of
   * every machine per failure made a simulated year quadratic in grid size.
   */
  private readonly onNode = new Map<number, Set<Machine>>();
  private nextSeq = 0;
  private readonly listeners: DecommissionListener[] = [];
  private readonly consolePorts = new Map<number, number>();

  constructor(private readonly options: ZMachineManagerOptions) {}

  capacity(workload: Workload): Capacity {
    const data = workload.data as ZMachineData;
    return { cru: data.compute_capacity.cpu, mruBytes: data.compute_capacity.memory, sruBytes: rootSizeBytes(data), hruBytes: 0, ipv4: 0 };
  }

  /** The provision engine subscribes here and marks the workload `deleted` with the event's reason. */
  onDecommission(listener: DecommissionListener): void {
    this.listeners.push(listener);
  }

  machine(workloadId: string): ZMachineView | undefined {
    return this.machines.get(workloadId);
  }

  /** The machines on one node, in the order they were provisioned. */
  machinesOn(node: number): ZMachineView[] {
    return [...(this.onNode.get(node) ?? [])];
  }

  provision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, workload);
    const existing = this.machines.get(id);
    // Idempotent, as zos's "no action needed": a live machine (or its boot in progress) is the answer.
    if (existing !== undefined && existing.state !== 'stopped' && existing.state !== 'decommissioned') {
      if (existing.boot !== null && !existing.boot.processed) return erase(existing.boot);
      return ctx.sim.event<unknown>().succeed(existing.result);
    }
    const machine = new Machine(id, ctx.node, workload.data as ZMachineData, ctx.sim, () => ctx.rng.fork(`zmachine:${id}`));
    this.add(machine);
    const boot = ctx.sim.process(this.boot(ctx, deployment, machine), `zmachine ${id} boot`);
    machine.boot = boot;
    boot.onProcessed((ev) => {
      // A failed boot leaves nothing behind: errors are terminal, the engine never retries them.
      if (!ev.ok && this.machines.get(id) === machine) this.remove(machine);
    });
    return erase(boot);
  }

  deprovision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const machine = this.machines.get(ctx.workloadId(deployment, workload));
    if (machine !== undefined) this.stop(machine, 'stopped');
    return ctx.sim.event().succeed(undefined);
  }

  pause(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const machine = this.machines.get(ctx.workloadId(deployment, workload));
    if (machine !== undefined && (machine.state === 'running' || machine.state === 'down')) {
      this.cancelTimers(machine);
      machine.state = 'paused';
    }
    return ctx.sim.event().succeed(undefined);
  }

  resume(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const machine = this.machines.get(ctx.workloadId(deployment, workload));
    if (machine !== undefined && machine.state === 'paused') this.start(machine);
    return ctx.sim.event().succeed(undefined);
  }

  /** Kills a running machine's VM process; the monitor notices at its next tick. False if not running. */
  crash(workloadId: string, reason = 'vm process exited'): boolean {
    const machine = this.machines.get(workloadId);
    if (machine === undefined || machine.state !== 'running') return false;
    this.cancelTimers(machine);
    machine.state = 'down';
    machine.crashes++;
    machine.lastCrashReason = reason;
    // The guest died with every process in it: TTY sessions end now, not at the restart.
    machine.corex?.reset();
    machine.monitorHandle = machine.sim.scheduleAt(nextMonitorTickS(machine.sim.nowS), () => this.monitorTick(machine));
    return true;
  }

  /** The node lost power: its machines are gone; the engine's reboot re-run provisions them again. */
  nodeDown(node: number): void {
    const mine = this.onNode.get(node);
    if (mine === undefined) return;
    // In the table's order, as a scan of the whole table would stop them.
    for (const machine of [...mine].sort((a, b) => a.seq - b.seq)) this.stop(machine, 'stopped');
  }

  /** A running machine reads from its flist rootfs, through the node's block cache. */
  read(workloadId: string, path: string, offsetBytes = 0, sizeBytes = Infinity): SimEvent<ReadResult> {
    const machine = this.machines.get(workloadId);
    if (machine === undefined || machine.state !== 'running' || machine.flist === undefined) {
      throw new WorkloadError(`${workloadId}: machine is not running`);
    }
    return this.options.cacheOf(machine.node).read(machine.flist, path, offsetBytes, sizeBytes);
  }

  /** A CoreX client; `reachable` says whether the caller's network reaches the machine's private NIC. */
  corex(workloadId: string, reachable: () => boolean = () => true): CorexClient {
    const machine = this.machines.get(workloadId);
    if (machine === undefined) throw new CorexUnreachableError(workloadId, 'no such machine');
    if (machine.mode === 'vm') throw new CorexUnavailableError(workloadId, 'zos ignores corex in VM (image.raw) mode');
    if (machine.data.corex !== true) throw new CorexUnavailableError(workloadId, 'deployed without corex');
    if (machine.corex === null) throw new CorexUnreachableError(workloadId, 'machine is not running');
    return new CorexClient(machine.corex, this.corexHost(machine), reachable);
  }

  private *boot(ctx: ManagerContext, deployment: Deployment, machine: Machine): ProcessGenerator<ZMachineResultData> {
    const cache = this.options.cacheOf(ctx.node);
    let flist: Flist;
    try {
      flist = yield cache.mount(machine.data.flist);
    } catch (error) {
      throw new WorkloadError(`failed to mount flist: ${messageOf(error)}`);
    }
    machine.flist = flist;
    machine.mode = flist.isVmImage ? 'vm' : 'container';
    if (machine.mode === 'vm') this.checkVmDisk(ctx, deployment, machine.data);
    // VM mode copies the whole image onto the zmount; a container reads its boot files through FUSE.
    const blocks = flist.bootPaths.flatMap((path) => flist.blocksOf(path));
    try {
      const read: ReadResult = yield cache.readBlocks(blocks);
      machine.bootFetchedBytes = read.fetchedBytes;
    } catch (error) {
      throw new WorkloadError(`${machine.mode === 'vm' ? 'failed to write image to disk' : 'failed to read boot files'}: ${messageOf(error)}`);
    }
    const workCoreS = machine.mode === 'vm' ? (this.options.vmBootWorkCoreS ?? 6) : (this.options.containerBootWorkCoreS ?? 2);
    try {
      yield* cpuWork(ctx.sim, ctx.grid.cpu(ctx.node), workCoreS, machine.data.compute_capacity.cpu);
    } catch (error) {
      throw new WorkloadError(`failed to boot vm: ${messageOf(error)}`);
    }
    if (machine.state !== 'booting') throw new WorkloadError('machine was stopped while booting');
    machine.bootEndedS = ctx.sim.nowS;
    const port = (this.consolePorts.get(ctx.node) ?? 20000) + 1;
    this.consolePorts.set(ctx.node, port);
    machine.result = zmachineResult(machine.workloadId, machine.data, port);
    if (machine.mode === 'container' && machine.data.corex === true) machine.corex = new CorexServer(this.corexHost(machine));
    this.start(machine);
    return machine.result;
  }

  /** VM mode needs its first mount to be a zmount of this deployment that is mounted now. */
  private checkVmDisk(ctx: ManagerContext, deployment: Deployment, data: ZMachineData): void {
    const first = data.mounts?.[0];
    if (first === undefined) throw new WorkloadError('image.raw flist needs a zmount as the first mount: no mounts');
    const disk = deployment.workloads.find((w) => w.name === first.name);
    if (disk === undefined || disk.type !== 'zmount') throw new WorkloadError(`first mount ${first.name} must be a zmount, got ${disk?.type ?? 'nothing'}`);
    if (!this.options.mounts.isMounted(ctx.node, ctx.workloadId(deployment, disk))) throw new WorkloadError(`zmount ${first.name} is not ready`);
  }

  private corexHost(machine: Machine): CorexHost {
    return {
      workloadId: machine.workloadId,
      nowS: () => machine.sim.nowS,
      isRunning: () => machine.state === 'running',
      onPid1Exit: (reason) => void this.crash(machine.workloadId, reason),
    };
  }

  /** (Re)starts the VM process: a fresh guest with only corex running, and its next spontaneous crash drawn. */
  private start(machine: Machine): void {
    machine.state = 'running';
    machine.corex?.reset();
    const rate = this.options.crashRatePerS ?? 0;
    if (rate > 0) {
      const delayS = -Math.log(1 - machine.rng.next()) / rate;
      machine.crashHandle = machine.sim.schedule(delayS, () => {
        machine.crashHandle = null;
        this.crash(machine.workloadId, 'vm crashed');
      });
    }
  }

  /** vmd's tick for a machine it found down: count the failure, then restart or decommission. */
  private monitorTick(machine: Machine): void {
    machine.monitorHandle = null;
    if (machine.state !== 'down') return;
    if (machine.failures.recordFailure(machine.sim.nowS)) {
      this.stop(machine, 'decommissioned');
      const event: DecommissionEvent = {
        node: machine.node,
        workloadId: machine.workloadId,
        reason: CRASH_LOOP_REASON,
        lastCrashReason: machine.lastCrashReason,
        timeS: machine.sim.nowS,
      };
      for (const listener of this.listeners) listener(event);
      return;
    }
    machine.restarts++;
    this.start(machine);
  }

  private stop(machine: Machine, state: 'stopped' | 'decommissioned'): void {
    this.cancelTimers(machine);
    machine.state = state;
    machine.corex?.reset();
    // A decommissioned record stays visible until the engine deprovisions the workload.
    if (state === 'stopped' && this.machines.get(machine.workloadId) === machine) this.remove(machine);
  }

  /** Enters a machine in both tables; one replacing a record of the same id takes that record's place. */
  private add(machine: Machine): void {
    const replaced = this.machines.get(machine.workloadId);
    if (replaced !== undefined) this.onNode.get(replaced.node)?.delete(replaced);
    machine.seq = replaced?.seq ?? this.nextSeq++;
    this.machines.set(machine.workloadId, machine);
    let mine = this.onNode.get(machine.node);
    if (mine === undefined) this.onNode.set(machine.node, (mine = new Set()));
    mine.add(machine);
  }

  private remove(machine: Machine): void {
    this.machines.delete(machine.workloadId);
    const mine = this.onNode.get(machine.node);
    mine?.delete(machine);
    if (mine?.size === 0) this.onNode.delete(machine.node);
  }

  private cancelTimers(machine: Machine): void {
    if (machine.crashHandle !== null) machine.sim.cancel(machine.crashHandle);
    if (machine.monitorHandle !== null) machine.sim.cancel(machine.monitorHandle);
    machine.crashHandle = null;
    machine.monitorHandle = null;
  }
}

/** Runs boot work with the machine's vCPUs, or fewer if the CPU's admission has less room; waits if none. */
function* cpuWork(sim: Simulation, cpu: Cpu, workCoreS: number, vcpus: number): ProcessGenerator<void> {
  for (;;) {
    const free = cpu.vcpuLimit - cpu.admittedVcpus;
    if (free >= 1) {
      yield cpu.run({ workCoreS, vcpus: Math.min(vcpus, free) });
      return;
    }
    yield sim.anyOf([...cpu.runningTasks]);
  }
}

/** Events are invariant in their value type (their callbacks take it); the port speaks of unknown values. */
function erase<T>(event: SimEvent<T>): SimEvent<unknown> {
  return event as unknown as SimEvent<unknown>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
