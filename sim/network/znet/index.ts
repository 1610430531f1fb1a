// Z-Net's public API, re-exported by name: planning and re-applying a user network, its WireGuard mesh,
// reachability and latency over the underlay. Leaves out the parsers' and mesh builder's internals.

export { cidrContains, cidrContainsIp, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr } from './ipv4.js';
export { meshPeers, wgRoutingIp } from './mesh.js';
export { needsReapply, planZNet, reapply, type ApplyEnv, type ReapplyResult } from './plan.js';
export { reachable, znetPath, type ReachEnv, type ZNetHop, type ZNetPath } from './reach.js';
export { UnderlayLatency, type UnderlayMap } from './underlay.js';
export { compileZNetInput, type NodeNetInfo, type ZNetInput, type ZNetNodeInput } from './validate.js';
export { compileNetworkWorkloads, networkWorkloads, wgPublicKey, type NetworkWorkloadEntry } from './workloads.js';
export { memberOf, staleMembers, type AppliedConfig, type WgPeer, type ZNet, type ZNetMember } from './znet.js';
