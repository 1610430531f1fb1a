// One network resource (NR) on one node, laid out as zos lays it out (zosbase pkg/network/nr/
// net_resource.go Create/ConfigureWG/Delete and pkg/network/networker.go CreateNR): a namespace of
// its own; a bridge in the node's namespace that machines plug into, joined to the NR by a leg carrying
// the subnet's .1; a WireGuard interface whose UDP socket lives in the node's namespace (the node's
// address is the endpoint peers dial) and whose device is moved into the NR, configured from the
// document with every peer replaced; the whole ip_range routed into the tunnel; IPv4 forwarding on, so
// the NR routes between its machines and the tunnel and, on an access node, from peer to peer.
// Differences, on purpose: a veth for the NR's leg where zos uses a macvlan; wireguard-go, since this
// kernel has no WireGuard module (its TUN device polls for up/down across namespaces, ~1 s).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCidr } from '../../../sim/network/znet/index.js';
import { wgConfigText, type NrPlan } from './document.js';
import { createNamespace, deleteNamespace, pidsRunning } from './namespaces.js';
import type { NrNames } from './names.js';
import type { NodeNamespace } from './node-namespace.js';
import { run, succeeds } from './run.js';
import { startWireguardGo, wgSocketPath, type WgProcess } from './wireguard-go.js';

export class HostNetworkResource {
  private wg: WgProcess | undefined;
  private wgAlive = false;
  private laidOut = false;
  private plan: NrPlan | undefined;
  /** One change at a time: a re-apply may come while the node's queue provisions the same NR. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly node: NodeNamespace, readonly names: NrNames) {}

  /** The document last applied (its subnet and gateway are what machines attach to). */
  get applied(): NrPlan | undefined {
    return this.plan;
  }

  /** Whether this NR's wireguard-go is running (a node power-off kills it with the node's processes). */
  get running(): boolean {
    return this.wgAlive;
  }

  /** Creates what is missing and configures WireGuard from the document; re-apply is the same call. */
  apply(plan: NrPlan): Promise<void> {
    return this.serially(() => this.applyNow(plan));
  }

  /** Stops wireguard-go and removes the namespace, the bridge and their links. */
  teardown(): Promise<void> {
    return this.serially(() => this.teardownNow());
  }

  private serially<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyNow(plan: NrPlan): Promise<void> {
    if (!this.laidOut) await this.layOut();
    await this.setAddress(this.names.nrLeg, plan.gatewayCidr);
    if (!this.wgAlive || !(await succeeds(['ip', '-n', this.names.namespace, 'link', 'show', this.names.wg]))) await this.startWireguard();
    await this.configure(plan);
    this.plan = plan;
  }

  private async teardownNow(): Promise<void> {
    await this.stopWireguard();
    await deleteNamespace(this.names.namespace);
    await run(this.node.exec(['ip', 'link', 'del', this.names.bridge])).catch(() => undefined);
    this.laidOut = false;
    this.plan = undefined;
  }

  /** zos Create: namespace (lo up, forwarding), then the NR's leg on the bridge. */
  private async layOut(): Promise<void> {
    const { namespace, bridge, bridgePort, nrLeg } = this.names;
    await createNamespace(namespace);
    await run(['ip', 'netns', 'exec', namespace, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const inNode = (argv: string[]) => run(this.node.exec(argv));
    await inNode(['ip', 'link', 'del', bridge]).catch(() => undefined);
    await inNode(['ip', 'link', 'add', bridge, 'type', 'bridge']);
    await inNode(['ip', 'link', 'set', bridge, 'up']);
    await inNode(['ip', 'link', 'add', bridgePort, 'type', 'veth', 'peer', 'name', nrLeg, 'netns', namespace]);
    await inNode(['ip', 'link', 'set', bridgePort, 'master', bridge, 'up']);
    await run(['ip', '-n', namespace, 'link', 'set', nrLeg, 'up']);
    this.laidOut = true;
  }

  /** zos NewWireguard + SetWireguard: made where the UDP socket must live, then moved into the NR. */
  private async startWireguard(): Promise<void> {
    await this.stopWireguard();
    const wg = await startWireguardGo(this.names.wg, (argv) => this.node.exec(argv));
    this.wg = wg;
    this.wgAlive = true;
    void wg.exited.then(() => {
      if (this.wg === wg) this.wgAlive = false;
    });
    await run(this.node.exec(['ip', 'link', 'set', this.names.wg, 'netns', this.names.namespace]));
  }

  private async stopWireguard(): Promise<void> {
    const wg = this.wg;
    this.wg = undefined;
    this.wgAlive = false;
    if (wg !== undefined) await wg.stop();
    // One started by an owner that died (or before a restart of this object) is found by its argv.
    for (const pid of pidsRunning(['wireguard-go', '-f', this.names.wg])) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await rm(wgSocketPath(this.names.wg), { force: true });
  }

  /** zos ConfigureWG: keys, port and peers (replaced), the 100.64 address, the ip_range route. */
  private async configure(plan: NrPlan): Promise<void> {
    const { namespace, wg } = this.names;
    const dir = mkdtempSync(join(tmpdir(), 'znet-wg-'));
    try {
      const file = join(dir, 'wg.conf');
      // The private key is a secret: owner-only, removed right after use.
      writeFileSync(file, wgConfigText(plan), { mode: 0o600 });
      await run(['wg', 'setconf', wg, file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await this.setAddress(wg, plan.wgCidr);
    await run(['ip', '-n', namespace, 'link', 'set', wg, 'up']);
    await run(['ip', '-n', namespace, 'route', 'replace', formatCidr(plan.ipRange), 'dev', wg]);
  }

  /** One address on the link, whatever it had before (a re-apply may change the subnet). */
  private async setAddress(link: string, cidr: string): Promise<void> {
    await run(['ip', '-n', this.names.namespace, 'addr', 'flush', 'dev', link]);
    await run(['ip', '-n', this.names.namespace, 'addr', 'add', cidr, 'dev', link]);
  }
}
