// The hosts' network: per farm a namespace whose bridge is the farm LAN, per node a namespace joined
// to that bridge by a veth with an address on the LAN, and farms joined pairwise by veths with a route
// each way (the sim's site links; there each site links to its 3 nearest, so up to 4 farms the two
// meshes are the same). This process (the owner, in the root namespace) has an uplink veth into each
// farm namespace, so it dials every node's address; the root namespace does not forward, so traffic
// between farms crosses their farm link and nothing else.
// Leaves out latency and bandwidth (tc netem is not available here): a link is up or down.
//
// Followed: the probe (workers/host/netns/probe.sh) for veths made straight into two namespaces, and
// iproute2's ip/ipnetns.c (netns_pids: a process is "in" a namespace when /proc/PID/ns/net is that
// namespace's inode, which is what `ip netns pids` lists and what a power-off kills).

import type { Server } from 'node:net';
import { ip, ipBatch, killNamespacePids, namespacePids } from './ip.js';
import { maxFarms, maxNodesPerFarm, newRunId, RunNames } from './names.js';
import { claimSlot, removeOwnerRecord, stateDir, sweepDeadRuns, writeOwnerRecord } from './owner-state.js';

/** A node as a host: its namespace, its address on the farm LAN, and how to run a command inside. */
export interface NodeNamespace {
  readonly name: string;
  readonly address: string;
  /** argv prefix to run inside */
  exec(argv: readonly string[]): string[];
}

class NodeNs implements NodeNamespace {
  constructor(readonly name: string, readonly address: string) {}

  exec(argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...argv];
  }
}

export class NetnsGrid {
  readonly nodes: readonly NodeNamespace[];
  readonly farmCount: number;
  /** Where this run's owner record lives; its unix sockets go here too (swept with the run's namespaces). */
  readonly stateDir = stateDir;
  private closed = false;

  private constructor(
    readonly names: RunNames,
    /** Farm of each node, in node order. */
    readonly farmOfNode: readonly number[],
    private readonly slotLock: Server,
  ) {
    this.farmCount = Math.max(...farmOfNode) + 1;
    const seen = new Array<number>(this.farmCount).fill(0);
    this.nodes = farmOfNode.map((farm, node) => new NodeNs(names.nodeNs(node), names.nodeAddress(farm, seen[farm]!++)));
  }

  /** Sweeps dead owners' leftovers, then builds the namespaces, bridges and links (all up). */
  static async create(farmOfNode: readonly number[]): Promise<NetnsGrid> {
    checkShape(farmOfNode);
    await sweepDeadRuns();
    // The record before anything it names: a sweep in between must see this run as alive.
    const run = claimRunId();
    let lock: Server | undefined;
    try {
      const claimed = await claimSlot();
      lock = claimed.lock;
      const grid = new NetnsGrid(new RunNames(run, claimed.slot), farmOfNode, claimed.lock);
      try {
        await grid.build();
      } catch (error) {
        await grid.close();
        throw error;
      }
      return grid;
    } catch (error) {
      lock?.close();
      removeOwnerRecord(run);
      throw error;
    }
  }

  /** Every namespace of this run. */
  namespaces(): string[] {
    return [...Array.from({ length: this.farmCount }, (_, f) => this.names.farmNs(f)), ...this.nodes.map((n) => n.name)];
  }

  farmPairs(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let a = 0; a < this.farmCount; a++) for (let b = a + 1; b < this.farmCount; b++) pairs.push([a, b]);
    return pairs;
  }

  private async build(): Promise<void> {
    const n = this.names;
    await ipBatch([
      ...this.namespaces().map((ns) => `netns add ${ns}`),
      ...this.farmOfNode.map((farm, node) => `link add ${n.iface('p', node)} netns ${n.farmNs(farm)} type veth peer name ${n.iface('n', node)} netns ${n.nodeNs(node)}`),
      ...this.farmPairs().map(([a, b]) => `link add ${n.iface('l', a, b)} netns ${n.farmNs(a)} type veth peer name ${n.iface('l', b, a)} netns ${n.farmNs(b)}`),
      ...this.farms().map((f) => `link add ${n.iface('o', f)} type veth peer name ${n.iface('u', f)} netns ${n.farmNs(f)}`),
    ]);
    await Promise.all([
      ...this.farms().map((f) => this.buildFarm(f)),
      ...this.nodes.map((_, node) => ipBatch(['link set lo up', `addr add ${this.nodes[node]!.address}/24 dev ${n.iface('n', node)}`, ...this.nodeLinkLines(node, true)], { netns: n.nodeNs(node) })),
    ]);
    await ipBatch(this.farms().flatMap((f) => [
      `link set ${n.iface('o', f)} up`,
      `addr add ${n.ownerAddress}/32 dev ${n.iface('o', f)}`,
      `route replace ${n.farmCidr(f)} via ${n.farmGateway(f)} dev ${n.iface('o', f)} onlink`,
    ]));
  }

  private farms(): number[] {
    return Array.from({ length: this.farmCount }, (_, f) => f);
  }

  private async buildFarm(f: number): Promise<void> {
    const n = this.names;
    const bridge = n.iface('b', f);
    await ipBatch([
      'link set lo up',
      `link add ${bridge} type bridge`,
      `addr add ${n.farmGateway(f)}/24 dev ${bridge}`,
      `link set ${bridge} up`,
      ...this.farmOfNode.flatMap((farm, node) => (farm === f ? [`link set ${n.iface('p', node)} master ${bridge}`, `link set ${n.iface('p', node)} up`] : [])),
      `link set ${n.iface('u', f)} up`,
      `route replace ${n.ownerCidr} via ${n.ownerAddress} dev ${n.iface('u', f)} onlink`,
      ...this.farms().filter((g) => g !== f).flatMap((g) => this.farmLinkLines(f, g, true)),
    ], { netns: n.farmNs(f) });
    // The farm namespace routes between its LAN, its farm links and the owner's uplink, and answers
    // every packet it cannot route with ICMP (icmp_ratelimit 0: each dial across a cut is told).
    await ip(['netns', 'exec', n.farmNs(f), 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 0 > /proc/sys/net/ipv4/icmp_ratelimit']);
  }

  /** In the node's namespace: its end of the veth, and the default route a link-down drops. */
  private nodeLinkLines(node: number, up: boolean): string[] {
    const n = this.names;
    const dev = n.iface('n', node);
    const farm = this.farmOfNode[node]!;
    return up ? [`link set ${dev} up`, `route replace default via ${n.farmGateway(farm)} dev ${dev} onlink`] : [`link set ${dev} down`];
  }

  /** In farm f's namespace: its end of the link to farm g, and the route to g's LAN (a link-down drops it). */
  private farmLinkLines(f: number, g: number, up: boolean): string[] {
    const n = this.names;
    const dev = n.iface('l', f, g);
    // Down, a `prohibit` route answers each SYN with ICMP "administratively prohibited", which TCP takes
    // as fatal (the kernel's icmp_err_convert; "net unreachable" is only a soft error, retried until the
    // connect times out), so a client across a cut fails within about a second (the kernel's per-source
    // ICMP token bucket, ip_error, holds the first answer back) rather than after its own timeout.
    return up
      ? [`link set ${dev} up`, `route replace ${n.farmCidr(g)} via ${n.farmGateway(g)} dev ${dev} onlink`]
      : [`link set ${dev} down`, `route replace prohibit ${n.farmCidr(g)}`];
  }

  /** Both ends of a node's LAN link. */
  async setNodeLink(node: number, up: boolean): Promise<void> {
    const n = this.names;
    await ipBatch([`link set ${n.iface('p', node)} ${up ? 'up' : 'down'}`], { netns: n.farmNs(this.farmOfNode[node]!) });
    await ipBatch(this.nodeLinkLines(node, up), { netns: n.nodeNs(node) });
  }

  /** Both ends of the link between two farms. */
  async setFarmLink(a: number, b: number, up: boolean): Promise<void> {
    await Promise.all([
      ipBatch(this.farmLinkLines(a, b, up), { netns: this.names.farmNs(a) }),
      ipBatch(this.farmLinkLines(b, a, up), { netns: this.names.farmNs(b) }),
    ]);
  }

  /** SIGKILLs every process in the node's namespace (`ip netns pids`); answers how many. */
  killNodeProcesses(node: number): Promise<number> {
    return killNamespacePids(this.names.nodeNs(node));
  }

  nodePids(node: number): Promise<number[]> {
    return namespacePids(this.names.nodeNs(node));
  }

  /** Kills what runs inside, deletes every namespace (their veths go with them) and the owner record. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await killNamespacePids(...this.namespaces());
    // The owner's uplinks first: a deleted namespace's veths go asynchronously (the kernel's netns
    // cleanup work), so the root-side ends would still be listed for a moment after `netns del`.
    await ipBatch([...this.farms().map((f) => `link del ${this.names.iface('o', f)}`), ...this.namespaces().map((ns) => `netns del ${ns}`)], { force: true });
    removeOwnerRecord(this.names.run);
    this.slotLock.close();
  }
}

/** A fresh run id with its owner record written; a clash with a live run's id (1 in 1.7 M) draws again. */
function claimRunId(): string {
  for (let attempt = 0; ; attempt++) {
    const run = newRunId();
    try {
      writeOwnerRecord(run);
      return run;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw error;
    }
  }
}

function checkShape(farmOfNode: readonly number[]): void {
  if (farmOfNode.length === 0) throw new Error('a netns grid needs at least one node');
  const perFarm = new Map<number, number>();
  for (const farm of farmOfNode) perFarm.set(farm, (perFarm.get(farm) ?? 0) + 1);
  const farms = Math.max(...farmOfNode) + 1;
  if (farms > maxFarms) throw new Error(`a netns grid holds at most ${maxFarms} farms (a /24 each), got ${farms}`);
  for (const [farm, count] of perFarm) {
    if (count > maxNodesPerFarm) throw new Error(`farm ${farm} has ${count} nodes; a netns farm LAN holds at most ${maxNodesPerFarm}`);
  }
}
