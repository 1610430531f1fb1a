// The Backend port answered by a simulated grid (a World): every call acts on the model and every wait
// is in virtual time, so it must run under world.sim.runAsync(). Leaves out RMB latency and signatures.

import type { Simulation } from '../sim/engine/simulation.js';
import type { Deployment, Workload } from '../sim/grid/deployment.js';
import type { ManagerContext } from '../sim/grid/provision/manager.js';
import { withContractId } from '../sim/grid/chain.js';
import { parseWorkloadId, type World } from '../sim/grid/world.js';
import type { Backend, ConnectView, GatewayAnswerView, GridObserver, NodeCapacityView, NodeWatch, NodeStatusView, ZNetView, WorkloadView, ZdbValue, ZNetReapplyView } from './backend.js';
import { WorkerError, WorkerErrorCode } from './errors.js';
import { simStateHash } from './sim-backend-hash.js';
import { mustHaveNode, SimFaultInjector } from './sim-backend-faults.js';
import { simZmachineConnect } from './sim-backend-connect.js';
import { simGatewayRequest, simZnetReapply, simZnets } from './sim-backend-network.js';
import { SettleWaiters } from './sim-backend-settle.js';
import { simDeploymentSettled, simNodeCapacities, simNodeStatus, simWorkloadViews } from './sim-backend-views.js';
import { SimNodeWatch } from './sim-backend-watch.js';

export class SimBackend implements Backend, GridObserver {
  readonly world: World;
  /** The clock the in-process transport runs jobs on. */
  readonly clock: Simulation;
  /** The harness's faults on this world (the owner's, never the handlers'): Testbed takes it from here. */
  readonly faults: SimFaultInjector;
  private readonly waiters: SettleWaiters;
  /** Sizes of files stored through this backend: the qsfs model tracks segments, not file sizes. */
  private readonly fileSizes = new Map<string, number>();

  constructor(world: World) {
    this.world = world;
    this.clock = world.sim;
    this.waiters = new SettleWaiters(world);
    this.faults = new SimFaultInjector(world);
  }

  nowS(): number {
    return this.world.sim.nowS;
  }

  // Deployments ----------------------------------------------------------------------------------

  /**
   * World.deploy's flow (contract, then the call to the node), except that a refused call cancels the
   * contract again, as a client does, so a refusal leaves nothing paid for behind.
   */
  async createDeployment(node: number, deployment: Deployment): Promise<{ contractId: number }> {
    this.mustHaveNode(node);
    const contract = this.world.chain.createNodeContract(deployment.twin_id, node, deployment);
    try {
      this.world.provision.deploy(node, withContractId(deployment, contract.id));
    } catch (error) {
      this.world.chain.cancel(contract.id);
      throw error;
    }
    return { contractId: contract.id };
  }

  /** A refused update puts the contract's old hash back, so the running version stays valid on chain. */
  async updateDeployment(contractId: number, deployment: Deployment): Promise<void> {
    const contract = this.liveContract(contractId);
    const previousHash = contract.deploymentHash;
    try {
      this.world.update(contract.node, { ...deployment, contract_id: contractId });
    } catch (error) {
      contract.deploymentHash = previousHash;
      throw error;
    }
  }

  /** Cancels the contract: a node that is on deprovisions at once, one that is off at its next boot. */
  async deleteDeployment(contractId: number): Promise<void> {
    this.liveContract(contractId);
    this.world.cancel(contractId);
  }

  /**
   * zos pauses a deployment only when its contract enters grace; the port asks for it directly, so this
   * queues the node's own pause job for the one contract (the twin's other contracts stay as they are).
   */
  async pauseDeployment(contractId: number): Promise<void> {
    this.world.provision.pause(this.liveContract(contractId).node, contractId);
  }

  async resumeDeployment(contractId: number): Promise<void> {
    this.world.provision.resume(this.liveContract(contractId).node, contractId);
  }

  async deployment(contractId: number): Promise<{ node: number; workloads: readonly WorkloadView[] } | undefined> {
    const contract = this.world.chain.get(contractId);
    if (contract === undefined) return undefined;
    const workloads = simWorkloadViews(this.world, contract.node, contractId);
    return workloads === undefined ? undefined : { node: contract.node, workloads };
  }

  async settled(contractId: number, timeoutS: number): Promise<readonly WorkloadView[]> {
    const contract = this.world.chain.get(contractId);
    if (contract === undefined) throw new WorkerError(WorkerErrorCode.notFound, `contract ${contractId} not found`);
    await this.waiters.wait(contract.node, timeoutS, () => simDeploymentSettled(this.world, contract.node, contractId));
    return (await this.deployment(contractId))?.workloads ?? [];
  }

  // zdb ------------------------------------------------------------------------------------------

  async zdbSet(namespace: string, key: string, value: ZdbValue): Promise<string | null> {
    return this.zdbSession(namespace).set(key, value.tag === undefined ? { sizeBytes: value.sizeBytes } : value);
  }

  async zdbGet(namespace: string, key: string): Promise<ZdbValue | null> {
    return this.zdbSession(namespace).get(key);
  }

  async zdbDel(namespace: string, key: string): Promise<void> {
    await this.zdbSession(namespace).del(key);
  }

  async zdbHistory(namespace: string, key: string): Promise<readonly { value: ZdbValue | null; timestampS: number }[]> {
    return this.zdbSession(namespace).history(key);
  }

  // zstor through qsfs ---------------------------------------------------------------------------

  async zstorStore(qsfs: string, path: string, sizeBytes: number): Promise<void> {
    this.liveFrontend(qsfs).write(path, sizeBytes);
    this.fileSizes.set(`${qsfs}:${path}`, sizeBytes);
  }

  /** Reads the file back (from the cache, or rebuilt from the backends) and answers its size. */
  async zstorRetrieve(qsfs: string, path: string): Promise<number> {
    const frontend = this.knownFile(qsfs, path);
    await frontend.read(path);
    return this.fileSizes.get(`${qsfs}:${path}`) ?? 0;
  }

  async zstorCheck(qsfs: string, path: string): Promise<'cached' | 'uploaded' | 'lost'> {
    return this.knownFile(qsfs, path).fileState(path);
  }

  // zmachines and CoreX --------------------------------------------------------------------------

  /**
   * zos has no stop call for one VM: vmd's pause (what a grace period does to every VM of a contract)
   * is the nearest, so stop pauses this machine alone and start resumes it. The workload result stays ok.
   */
  async zmachineStop(workloadId: string): Promise<void> {
    const machine = this.machine(workloadId);
    if (machine.state === 'paused') return;
    if (machine.state !== 'running' && machine.state !== 'down') {
      throw new WorkerError(WorkerErrorCode.notReady, `zmachine ${workloadId} is ${machine.state}`, machine.state === 'booting');
    }
    const { ctx, doc, workload } = this.machineContext(workloadId, machine.node);
    await this.world.zmachines.pause(ctx, doc, workload);
  }

  async zmachineStart(workloadId: string): Promise<void> {
    const machine = this.machine(workloadId);
    if (machine.state === 'running') return;
    if (machine.state !== 'paused') {
      // A crashed machine is restarted by vmd's monitor; a booting one will be running shortly.
      throw new WorkerError(WorkerErrorCode.notReady, `zmachine ${workloadId} is ${machine.state}`, machine.state === 'booting' || machine.state === 'down');
    }
    const { ctx, doc, workload } = this.machineContext(workloadId, machine.node);
    await this.world.zmachines.resume(ctx, doc, workload);
  }

  async corexList(workloadId: string): Promise<readonly { pid: number; command: string }[]> {
    return this.world.zmachines.corex(workloadId).list().map((p) => ({ pid: p.pid, command: p.cmd }));
  }

  async corexStart(workloadId: string, command: string): Promise<number> {
    return this.world.zmachines.corex(workloadId).start(command).pid;
  }

  async corexKill(workloadId: string, pid: number): Promise<void> {
    this.world.zmachines.corex(workloadId).kill(pid);
  }

  /** Warms the node's block cache with what a boot from the flist reads; answers the bytes it fetched. */
  async flistFetch(node: number, url: string): Promise<{ fetchedBytes: number }> {
    this.mustBeOn(node);
    const cache = this.world.blockCache(node);
    const flist = await cache.mount(url);
    const read = await cache.readBlocks(flist.bootPaths.flatMap((path) => flist.blocksOf(path)));
    return { fetchedBytes: read.fetchedBytes };
  }

  // Network ---------------------------------------------------------------------------------

  async znetReapply(network: string): Promise<ZNetReapplyView> {
    return simZnetReapply(this.world, network);
  }

  async gatewayRequest(host: string): Promise<GatewayAnswerView> {
    return simGatewayRequest(this.world, host);
  }

  async zmachineConnect(workloadId: string, address: string, port: number): Promise<ConnectView> {
    return simZmachineConnect(this.world, workloadId, address, port);
  }

  async stateHash(): Promise<string> {
    return simStateHash(this.world);
  }

  // Views for the scheduler's owner (GridObserver) -----------------------------------------------

  async nodeCapacities(nodes?: readonly number[]): Promise<readonly NodeCapacityView[]> {
    for (const node of nodes ?? []) this.mustHaveNode(node);
    return simNodeCapacities(this.world, nodes);
  }

  async nodeStatus(node: number): Promise<NodeStatusView> {
    this.mustHaveNode(node);
    return simNodeStatus(this.world, node);
  }
  async znets(): Promise<readonly ZNetView[]> {
    return simZnets(this.world);
  }

  /** Power and capacity changes of the grid, from the model's own notices (a reboot is not a power change). */
  watchNodes(onChange?: (node: number) => void): NodeWatch {
    return new SimNodeWatch(this.world, onChange);
  }

  // ----------------------------------------------------------------------------------------------

  private mustHaveNode(node: number): void {
    mustHaveNode(this.world, node);
  }

  private mustBeOn(node: number): void {
    this.mustHaveNode(node);
    if (!this.world.grid.isOn(node)) throw new WorkerError(WorkerErrorCode.nodeDown, `node ${node} is off`, true);
  }

  private liveContract(contractId: number) {
    const contract = this.world.chain.get(contractId);
    if (contract === undefined || contract.state === 'deleted') throw new WorkerError(WorkerErrorCode.notFound, `contract ${contractId} not found or deleted`);
    return contract;
  }

  /** The owner's session: the backend acts for the twin, who knows the namespace password. */
  private zdbSession(namespace: string) {
    const placement = this.world.storage.zdb(namespace);
    const ns = this.world.storage.zdbNamespace(namespace);
    if (placement === undefined || ns === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zdb namespace ${namespace} not found`);
    this.mustBeOn(placement.node);
    return placement.server.select(namespace, ns.settings.password);
  }

  private liveFrontend(qsfs: string) {
    const instance = this.world.qsfs.instance(qsfs);
    if (instance === undefined || instance.tombstoned) throw new WorkerError(WorkerErrorCode.notFound, `qsfs ${qsfs} not found`);
    if (!instance.frontend.alive) throw new WorkerError(WorkerErrorCode.nodeDown, `qsfs ${qsfs}: frontend on node ${instance.frontend.node} is down`, true);
    return instance.frontend;
  }

  private knownFile(qsfs: string, path: string) {
    const instance = this.world.qsfs.instance(qsfs);
    if (instance === undefined) throw new WorkerError(WorkerErrorCode.notFound, `qsfs ${qsfs} not found`);
    if (!instance.frontend.files().includes(path)) throw new WorkerError(WorkerErrorCode.notFound, `qsfs ${qsfs}: no file ${path}`);
    return instance.frontend;
  }

  private machine(workloadId: string) {
    const machine = this.world.zmachines.machine(workloadId);
    if (machine === undefined || machine.state === 'decommissioned') throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
    return machine;
  }

  /** The manager's pause and resume need only the workload id from their context. */
  private machineContext(workloadId: string, node: number): { ctx: ManagerContext; doc: Deployment; workload: Workload } {
    const { contractId, name } = parseWorkloadId(workloadId);
    const doc = this.world.provision.deployment(node, contractId);
    const workload = doc?.workloads.find((w) => w.name === name);
    if (doc === undefined || workload === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} has no deployment on node ${node}`);
    const ctx = { sim: this.world.sim, grid: this.world.grid, node, workloadId: () => workloadId } as unknown as ManagerContext;
    return { ctx, doc, workload };
  }
}
