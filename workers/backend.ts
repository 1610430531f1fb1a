// The Backend port: what handlers may ask of a grid, the same on a simulated grid and on real hosts;
// beside it the owner's ports, GridObserver (read-only views) and FaultInjector (the harness's faults).
// Every call is async; nothing here says which side answers (TigerBeetle's rule for its IO ports).

import type { Deployment } from './operations.js';

export interface WorkloadView {
  readonly name: string;
  readonly type: string;
  readonly state: string;
  readonly message: string;
  /**
   * The result's data as zos returns it, when the workload has any (a zdb's `{Namespace, IPs, Port}`,
   * a zmount's `{volume_id}`): what a client reads to use the workload, e.g. to name zdbs in a qsfs.
   */
  readonly data?: unknown;
}

export interface ZdbValue {
  readonly sizeBytes: number;
  readonly tag?: string;
}

/** What a Z-Net re-apply did. */
export interface ZNetReapplyView {
  /** `<twin>/<name>`. */
  readonly network: string;
  readonly version: number;
  readonly accessNode: number;
  readonly previousAccessNode: number;
  /** Members that received the new mesh, and those that were down and keep their old one. */
  readonly updated: readonly number[];
  readonly skipped: readonly number[];
  /** Up members that still cannot reach some other up member afterwards. */
  readonly membersCutOff: number;
}

/** A gateway's answer to one request; `status` null means no answer (the client timed out). */
export interface GatewayAnswerView {
  readonly host: string;
  readonly status: number | null;
  /** ok, bad-gateway, no-healthy-backend, no-answer, unknown-host, not-found. */
  readonly outcome: string;
  /** One-way client→gateway plus the backend round trip and service time; null without an answer. */
  readonly latencyS: number | null;
  readonly gateway: number | null;
  readonly backend: string | null;
}

/** A TCP connection attempted from inside a zmachine to an address of one of its Z-Nets. */
export interface ConnectView {
  readonly connected: boolean;
  /** Why not, naming the hop or the end that failed; null when connected. */
  readonly reason: string | null;
  /** The handshake's round trip (SYN to SYN-ACK); null when not connected. */
  readonly rttS: number | null;
}

export interface Backend {
  /** Seconds on the backend's clock (virtual in simulation, wall on hosts). */
  nowS(): number;

  createDeployment(node: number, deployment: Deployment): Promise<{ contractId: number }>;
  updateDeployment(contractId: number, deployment: Deployment): Promise<void>;
  deleteDeployment(contractId: number): Promise<void>;
  pauseDeployment(contractId: number): Promise<void>;
  resumeDeployment(contractId: number): Promise<void>;
  /** The node a contract's deployment lives on, and its workloads' current states. */
  deployment(contractId: number): Promise<{ node: number; workloads: readonly WorkloadView[] } | undefined>;
  /** Resolves once no workload of the deployment is `init` any more (or after `timeoutS`). */
  settled(contractId: number, timeoutS: number): Promise<readonly WorkloadView[]>;

  zdbSet(namespace: string, key: string, value: ZdbValue): Promise<string | null>;
  zdbGet(namespace: string, key: string): Promise<ZdbValue | null>;
  zdbDel(namespace: string, key: string): Promise<void>;
  zdbHistory(namespace: string, key: string): Promise<readonly { value: ZdbValue | null; timestampS: number }[]>;

  zstorStore(qsfs: string, path: string, sizeBytes: number): Promise<void>;
  zstorRetrieve(qsfs: string, path: string): Promise<number>;
  zstorCheck(qsfs: string, path: string): Promise<'cached' | 'uploaded' | 'lost'>;

  zmachineStart(workloadId: string): Promise<void>;
  zmachineStop(workloadId: string): Promise<void>;
  corexList(workloadId: string): Promise<readonly { pid: number; command: string }[]>;
  corexStart(workloadId: string, command: string): Promise<number>;
  corexKill(workloadId: string, pid: number): Promise<void>;
  flistFetch(node: number, url: string): Promise<{ fetchedBytes: number }>;

  /** Re-applies a Z-Net (`<name>` or `<twin>/<name>`), through another public access node if its own is down. */
  znetReapply(network: string): Promise<ZNetReapplyView>;
  gatewayRequest(host: string): Promise<GatewayAnswerView>;
  /** Opens (and closes) a TCP connection from zmachine `workloadId` to `address:port` over its Z-Net. */
  zmachineConnect(workloadId: string, address: string, port: number): Promise<ConnectView>;

  /** A digest of the whole observable state: equal digests mean equal grids (conformance tests). */
  stateHash(): Promise<string>;
}

/**
 * What a node has free, as the scheduler's placement sees it (the same fields as its capacity
 * records). `freeMruBytes` is what zos admission would still accept: total − max(Σ reserved +
 * system reserve, actual used). `usedVcpus` sums the vCPUs of live workloads; zos never checks CPU.
 */
export interface NodeCapacityView {
  readonly node: number;
  readonly farm: number;
  readonly up: boolean;
  readonly cru: number;
  readonly usedVcpus: number;
  readonly freeMruBytes: number;
  /** Per SSD pool; a failed disk counts as full. */
  readonly ssdFreeBytes: readonly number[];
  /** Per HDD; a failed disk counts as full. */
  readonly hddFreeBytes: readonly number[];
  readonly freeIpv4: number;
}

/** Whether a node runs (powered and not failed), and since when it has (seconds on the backend's clock). */
export interface NodeStatusView {
  readonly node: number;
  readonly up: boolean;
  readonly sinceS: number;
}

/**
 * Read-only views of the grid for whoever owns the scheduler (placement, the reconciler). Apart from
 * Backend on purpose: jobs never call these, so workers in other processes need not proxy them.
 */
/**
 * What changed on the grid since the last call of each method, as an operator's monitoring and the
 * chain's capacity events would tell: the scheduler reads only those nodes again. Node ids ascending.
 */
export interface NodeWatch {
  /** Nodes that went down or came back since the last call (a reboot is not a change). */
  changed(): number[];
  /** Nodes whose free capacity view may differ from the last call's: power, reservations, farm IPv4, disks. */
  changedCapacities(): number[];
  /** Stops the notices; later calls answer nothing. */
  close(): void;
}

export interface GridObserver {
  /** The given nodes in the order given, or every node in node order. */
  nodeCapacities(nodes?: readonly number[]): Promise<readonly NodeCapacityView[]>;
  nodeStatus(node: number): Promise<NodeStatusView>;
  /** Every Z-Net that routes through an access node, by key order (none on a grid without hidden members). */
  znets(): Promise<readonly ZNetView[]>;
  /**
   * Starts a watch; `onChange` is also called at once when a node goes down or comes back, as
   * monitoring would alert. Optional: without it the scheduler reads every node, and the reconciler
   * only looks when jobs run.
   */
  watchNodes?(onChange?: (node: number) => void): NodeWatch;
}

/** A Z-Net as the reconciler sees it: the public node its hidden members reach the others through. */
export interface ZNetView {
  /** `<twin>/<name>`, as znet.reapply takes it. */
  readonly network: string;
  readonly accessNode: number;
  readonly members: readonly number[];
  /** Members that run and still hold an older mesh (they were down at the last re-apply). */
  readonly staleMembers: readonly number[];
}

export function isGridObserver(backend: object): backend is GridObserver {
  const b = backend as Partial<GridObserver>;
  return typeof b.nodeCapacities === 'function' && typeof b.nodeStatus === 'function' && typeof b.znets === 'function';
}

/** Why a disk failed, as the device model records it: a random process's `afr`, else `injected`. */
export type DiskFailureCause = 'afr' | 'injected';

/**
 * The harness's faults (TigerBeetle's simulator keeps them outside the replicas it tests): scenario
 * faults, random failure processes, the TUI's keys and the fault operations of `apply` files all
 * act through this port, never through Backend, which the system under test (handlers) uses.
 * Contract: in simulation each call's effect happens at the call's virtual instant, synchronously,
 * before the returned promise settles, so scenario events stay deterministic; a bad argument
 * rejects with a WorkerError (E_NOT_FOUND naming the node, disk or farm). On real hosts the effect
 * is real work awaited by the promise, and what one host cannot do rejects with E_NOT_SUPPORTED.
 */
export interface FaultInjector {
  /** Power cut: the node is off (deployments stay, and re-run at the next boot). */
  powerOff(node: number): Promise<void>;
  powerOn(node: number): Promise<void>;
  /** Hardware failure: off until repair(). */
  crash(node: number): Promise<void>;
  repair(node: number): Promise<void>;
  /** Off and on again at once. */
  reboot(node: number): Promise<void>;
  /** An SSD takes the VMs on its vdisks into a crash loop; an HDD takes its 0-db's data. Idempotent. */
  failDisk(node: number, device: 'ssd' | 'hdd', index: number, cause?: DiskFailureCause): Promise<void>;
  /** The flist hub's reachability. */
  setHub(up: boolean): Promise<void>;
  /** Underlay link faults; `a`/`b` are underlay node ids (grid nodes, then one site router per farm). */
  cutLink(a: number, b: number): Promise<void>;
  healLink(a: number, b: number): Promise<void>;
  /** Cuts the given farms' site links off the rest (their nodes stay on); healPartition() undoes it. */
  partitionFarms(farms: readonly number[]): Promise<void>;
  healPartition(): Promise<void>;
}
