// One simulated grid with everything wired: nodes, the chain, each node's provision engine and the
// managers of every workload type, the flist hub. Scenarios, tests and benchmarks start here.

import { RngStreams } from '../engine/rng.js';
import { Simulation } from '../engine/simulation.js';
import { FlowNetwork } from '../hardware/flow-network.js';
import { GridNetwork } from '../network/grid-network.js';
import { hasPublicConfig } from '../network/grid-network-public.js';
import { NetworkRegistry } from '../network/grid-network-registry.js';
import { createDiskManagers } from '../storage/disk-managers.js';
import { BlockCache } from '../storage/flist/block-cache.js';
import { Hub } from '../storage/flist/hub.js';
import { QsfsManager } from '../storage/qsfs-manager.js';
import type { BackendSpec } from '../storage/zstor/index.js';
import { StorageRegistry } from '../storage/storage-registry.js';
import { ZdiskManager } from '../storage/zdisk-manager.js';
import { Chain } from './chain.js';
import { attachChainSync, chainContractCheck } from './chain-sync.js';
import type { Deployment, ZdbBackend, ZMachineData } from './deployment.js';
import { buildGrid, type Grid } from './grid.js';
import type { GridSpec } from './grid-spec.js';
import { withHooks } from './manager-hooks.js';
import { MountRegistry } from './primitives/mount-registry.js';
import { machineNetworkEntry } from './primitives/network-managers.js';
import { ZMachineManager } from './primitives/zmachine.js';
import { basicManagers } from './provision/basic-managers.js';
import type { ManagerRegistry } from './provision/manager.js';
import { ProvisionService } from './provision/service.js';

export interface WorldOptions {
  readonly seed: string | number;
  readonly grid: GridSpec;
  /** The flist hub's uplink (default 1 Gb/s of goodput). */
  readonly hubBandwidthBytesPerS?: number;
  readonly cpuOvercommitRatio?: number;
  /** Devices fail by their AFR unless told not to (tests of other things turn it off). */
  readonly armDeviceFailures?: boolean;
}

export class World {
  readonly sim = new Simulation();
  readonly rngs: RngStreams;
  readonly grid: Grid;
  readonly chain: Chain;
  readonly network: FlowNetwork;
  readonly hub: Hub;
  readonly storage = new StorageRegistry();
  readonly mounts = new MountRegistry();
  readonly zmachines: ZMachineManager;
  readonly qsfs: QsfsManager;
  /** Ours, not zos: erasure-coded disks over zdb namespaces of other deployments. */
  readonly zdisks: ZdiskManager;
  readonly provision: ProvisionService;
  /** What network and gateway workloads ask of the network; cheap, filled whether or not `net` is built. */
  readonly netRegistry = new NetworkRegistry();
  private netModel: GridNetwork | undefined;
  private readonly caches = new Map<number, BlockCache>();
  /**
   * vdisk workload id → the zmachine it is attached to, by the vdisk's node: an SSD failure looks at
   * its own node's vdisks only. A vdisk never changes node (its id names a contract, which is for one
   * node), and each node's map keeps the order the ids were attached in.
   */
  private readonly attachedOn = new Map<number, Map<string, string>>();

  constructor(options: WorldOptions) {
    this.rngs = new RngStreams(options.seed);
    this.grid = buildGrid(this.sim, options.grid, this.rngs, {
      ...(options.cpuOvercommitRatio === undefined ? {} : { cpuOvercommitRatio: options.cpuOvercommitRatio }),
      ...(options.armDeviceFailures === undefined ? {} : { armDeviceFailures: options.armDeviceFailures }),
    });
    this.chain = new Chain(this.sim);
    this.network = new FlowNetwork(this.sim);
    this.hub = new Hub(this.network, { bandwidthBytesPerS: options.hubBandwidthBytesPerS ?? 118.7e6 });
    this.zmachines = new ZMachineManager({ cacheOf: (node) => this.blockCache(node), mounts: this.mounts });
    this.qsfs = new QsfsManager({ resolveBackend: (b) => this.zdbBackend(b), mounts: this.mounts });
    this.zdisks = new ZdiskManager({ resolveBackend: (b) => this.zdbBackend(b) });
    this.provision = new ProvisionService({ sim: this.sim, grid: this.grid, managers: this.managers(), rngs: this.rngs, contractCheck: chainContractCheck(this.chain) });
    attachChainSync(this.chain, this.grid, this.provision);
    this.grid.onPower((node, event) => {
      if (event === 'off') this.zmachines.nodeDown(node);
    });
    this.zmachines.onDecommission((e) => {
      const { contractId, name } = parseWorkloadId(e.workloadId);
      this.provision.decommission(e.node, contractId, name, e.reason);
    });
  }

  /**
   * The grid's networks (underlay, Planetary Network, Z-Nets, gateways), built on first use: worlds
   * that never ask pay nothing, and their event traces and state hashes stay as they were.
   */
  get net(): GridNetwork {
    this.netModel ??= new GridNetwork({ sim: this.sim, grid: this.grid, rngs: this.rngs, registry: this.netRegistry, flowNetwork: this.network });
    return this.netModel;
  }

  /** The network model if something has built it, without building it. */
  get netIfBuilt(): GridNetwork | undefined {
    return this.netModel;
  }

  /** The client's flow: create the node contract for this document, then send it to the node. */
  deploy(node: number, doc: Deployment): number {
    const contract = this.chain.createNodeContract(doc.twin_id, node, doc);
    this.provision.deploy(node, { ...doc, contract_id: contract.id });
    return contract.id;
  }

  /** Update: the client first sets the contract's new hash, then sends the new version. */
  update(node: number, doc: Deployment): void {
    this.chain.updateHash(doc.contract_id, doc);
    this.provision.update(node, doc);
  }

  cancel(contractId: number): void {
    this.chain.cancel(contractId);
  }

  /**
   * An SSD dies under its zmounts (DOMAIN 5.1): the vdisk files are gone, so every VM using one hits
   * I/O errors after each restart and crashes again, until the crash-loop rule deletes it. Nothing
   * heals: the zmount's own record keeps saying ok.
   */
  failSsd(node: number, pool: number): void {
    this.grid.ssd(node, pool).fail();
    for (const [diskId, machineId] of this.attachedOn.get(node) ?? []) {
      const disk = this.storage.vdisk(diskId);
      if (disk?.node === node && disk.pool === pool) this.sim.process(this.crashOnIo(machineId), `io-errors ${machineId}`);
    }
  }

  private *crashOnIo(machineId: string): Generator<number, void, unknown> {
    const ioErrorEveryS = 5;
    for (;;) {
      const state = this.zmachines.machine(machineId)?.state;
      if (state === undefined || state === 'stopped' || state === 'decommissioned') return;
      if (state === 'running') this.zmachines.crash(machineId, 'I/O error: disk lost');
      yield ioErrorEveryS;
    }
  }

  /**
   * A qsfs config or a zdisk names its backends by zdb namespace, which is the zdb workload's id: that
   * finds the simulated namespace. The address is not checked; the simulated network reaches every node.
   */
  private zdbBackend(backend: ZdbBackend): BackendSpec | null {
    const placement = this.storage.zdb(backend.namespace);
    return placement === undefined ? null : { node: placement.node, disk: placement.disk, sizeLimitBytes: placement.reservedBytes };
  }

  /** Node caches in use, by node (a node that never fetched a block has none). */
  get blockCaches(): ReadonlyMap<number, BlockCache> {
    return this.caches;
  }

  /** The node's flist block cache, shared by its zmachines; created on first use. */
  blockCache(node: number): BlockCache {
    let cache = this.caches.get(node);
    if (cache === undefined) {
      cache = new BlockCache(this.sim, this.hub, { name: `node-${node}-cache` });
      this.caches.set(node, cache);
    }
    return cache;
  }

  /**
   * The zmount manager tells the zmachine manager which disks are ready, and the zmachine manager
   * tells the disk registry which disks are attached (a mounted zmount may not grow).
   */
  private managers(): ManagerRegistry {
    const disks = createDiskManagers(this.storage);
    return {
      ...basicManagers({ registry: this.netRegistry, isPublic: (node) => hasPublicConfig(this.grid.farms, this.grid.farmOf(node), node) }),
      ...disks,
      qsfs: this.qsfs,
      zdisk: this.zdisks,
      zmount: withHooks(disks.zmount, {
        provisioned: (ctx, id) => this.mounts.setMounted(ctx.node, id, 'zmount', true),
        deprovisioned: (ctx, id) => this.mounts.setMounted(ctx.node, id, 'zmount', false),
      }),
      zmachine: withHooks(this.zmachines, {
        provisioned: (ctx, id, deployment, workload) => {
          this.attach(deployment, workload.name, workload.data as ZMachineData, true);
          const nic = machineNetworkEntry(ctx.node, id, deployment.twin_id, workload.data as ZMachineData);
          if (nic !== undefined) this.netRegistry.setMachine(nic);
        },
        deprovisioned: (_ctx, id, deployment, workload) => {
          this.attach(deployment, workload.name, workload.data as ZMachineData, false);
          this.netRegistry.removeMachine(id);
        },
      }),
    };
  }

  private attach(deployment: Deployment, workloadName: string, data: ZMachineData, attached: boolean): void {
    const machineId = `${deployment.twin_id}-${deployment.contract_id}-${workloadName}`;
    for (const mount of data.mounts ?? []) {
      const id = `${deployment.twin_id}-${deployment.contract_id}-${mount.name}`;
      // A zdisk is marked like a zmount (it may not change size under a machine); it has no vdisk, so an
      // SSD failure on this node cannot take it away from the machine.
      if (this.zdisks.setMounted(id, attached)) continue;
      const disk = this.storage.vdisk(id);
      if (disk === undefined) continue;
      this.storage.setMounted(id, attached);
      let onNode = this.attachedOn.get(disk.node);
      if (attached) {
        if (onNode === undefined) this.attachedOn.set(disk.node, (onNode = new Map()));
        onNode.set(id, machineId);
      } else if (onNode !== undefined) {
        onNode.delete(id);
        if (onNode.size === 0) this.attachedOn.delete(disk.node);
      }
    }
  }
}

/** `<twin>-<contract>-<name>`: names are `[a-zA-Z0-9_]`, so the dashes split it unambiguously. */
export function parseWorkloadId(id: string): { twinId: number; contractId: number; name: string } {
  const [twin, contract, name] = id.split('-');
  return { twinId: Number(twin), contractId: Number(contract), name: name ?? '' };
}
