// The grid's Z-Nets as their `network` workloads define them, and our reconciler's re-apply through
// another access node. Leaves out rewriting the deployments: a re-apply pushes the new mesh to the nodes.

import { InputError } from '../errors.js';
import type { NetworkRegistry } from './grid-network-registry.js';
import { reapply, type ApplyEnv, type ReapplyResult } from './znet/plan.js';
import { reachable, type ReachEnv } from './znet/reach.js';
import type { NodeNetInfo } from './znet/validate.js';
import { compileNetworkWorkloads } from './znet/workloads.js';
import type { AppliedConfig, ZNet } from './znet/znet.js';

export class ZNetBook {
  private readonly nets = new Map<string, ZNet>();
  /** Networks whose workloads do not form a valid Z-Net, with the reason. */
  readonly invalid = new Map<string, string>();

  constructor(
    private readonly registry: NetworkRegistry,
    private readonly info: NodeNetInfo,
  ) {
    for (const key of registry.znets.keys()) this.refresh(key);
  }

  /** Recompiles a network after its workloads changed; the version keeps counting up. */
  refresh(key: string): void {
    const entries = this.registry.znets.get(key);
    const before = this.nets.get(key);
    this.nets.delete(key);
    this.invalid.delete(key);
    if (entries === undefined) return;
    const name = key.slice(key.indexOf('/') + 1);
    const sorted = [...entries.values()].sort((a, b) => a.node - b.node);
    try {
      const net = compileNetworkWorkloads(name, sorted, this.info);
      this.nets.set(key, withVersion(net, before === undefined ? 0 : before.version + 1));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.invalid.set(key, error.message);
    }
  }

  get size(): number {
    return this.nets.size;
  }

  keys(): string[] {
    return [...this.nets.keys()].sort();
  }

  get(key: string): ZNet | undefined {
    return this.nets.get(key);
  }

  /** `<twin>/<name>`, or a bare name that only one twin uses. */
  resolve(network: string): string {
    if (this.nets.has(network)) return network;
    const matches = this.keys().filter((k) => k.slice(k.indexOf('/') + 1) === network);
    if (matches.length === 1) return matches[0]!;
    const problem = matches.length === 0 ? `no Z-Net named '${network}'` : `'${network}' names ${matches.length} Z-Nets (${matches.join(', ')}): use <twin>/<name>`;
    throw new InputError('znet.reapply', 'network', problem);
  }

  reapply(key: string, env: ApplyEnv): ReapplyResult {
    const result = reapply(this.nets.get(key)!, env);
    this.nets.set(key, result.net);
    return result;
  }

  /** Up members that cannot reach some other up member of their network now. */
  membersCutOff(key: string, env: ReachEnv): number {
    const net = this.nets.get(key);
    if (net === undefined) return 0;
    const up = net.members.filter((m) => env.isUp(m.node)).map((m) => m.node);
    return up.filter((a) => up.some((b) => b !== a && !reachable(net, a, b, env))).length;
  }

  totalCutOff(env: ReachEnv): number {
    let total = 0;
    for (const key of this.nets.keys()) total += this.membersCutOff(key, env);
    return total;
  }

  /** Version and access node per network, for the state hash. */
  hashState(): unknown[] {
    return this.keys().map((k) => [k, this.nets.get(k)!.version, this.nets.get(k)!.accessNode]);
  }
}

/** Compiled workloads come out as version 0; a recompile after a change continues the count. */
function withVersion(net: ZNet, version: number): ZNet {
  const applied = new Map<number, AppliedConfig>();
  for (const [node, config] of net.applied) applied.set(node, { ...config, version });
  return { ...net, version, applied };
}
