// A zmachine's interfaces (DOMAIN 1.9): the mandatory private Z-Net NIC with an address in its node's /24,
// the planetary NIC derived from the node's overlay key, and the public NIC from an `ip` workload.
// Leaves out mycelium and taps; the public gateway and the IPv6 prefixes are stand-ins.

import { createHash } from 'node:crypto';
import { ErrorCode, InputError, ZosError } from '../../errors.js';
import { cidrContainsIp, formatIpv4, parseIpv4 } from '../znet/ipv4.js';
import type { ZNet } from '../znet/znet.js';
import { memberOf } from '../znet/znet.js';
import { deviceName, formatIpv6, overlayPublicKey, planetaryIp, yggNodeSubnet } from './planetary-address.js';

export interface PrivateNic {
  readonly network: string;
  readonly ipv4: string;
  /** Derived from the IPv4, as zos gives every private NIC an IPv6 too. */
  readonly ipv6: string;
}

export interface PublicNic {
  /** From the farm's pool; absent when the ip workload asked only for v6. */
  readonly ipv4?: string;
  /** SLAAC from the farm's network (free); absent when not asked for. */
  readonly ipv6?: string;
}

export interface ZMachineNics {
  readonly workloadId: string;
  readonly node: number;
  readonly private: PrivateNic;
  readonly planetary?: { readonly ip: string };
  readonly public?: PublicNic;
}

/** What a zmachine asks for: `network.interfaces[0]`, `planetary`, and the referenced ip workload. */
export interface NicRequest {
  /** `<twin>-<contract>-<name>`. */
  readonly workloadId: string;
  readonly node: number;
  readonly network: string;
  /** Inside the node's /24 and not .0, .1 (the NR gateway) or .255; the lowest free from .2 when ''. */
  readonly ip?: string;
  readonly planetary?: boolean;
  /** The `ip` workload's data, and its result address when the provision engine already reserved one. */
  readonly publicIp?: { readonly v4: boolean; readonly v6: boolean; readonly ipv4?: string };
}

export interface NicEnv {
  /** The user's network by name (the caller scopes names per twin). */
  network(name: string): ZNet | undefined;
  hasPublicConfig(node: number): boolean;
  /** The node's Planetary Network key (PlanetaryOverlay.keys of its overlay node). */
  overlayKey?(node: number): number;
  /** The farm's IPv4 pool, as GridNodeApi offers it. */
  readonly ipv4Pool?: { reserveIpv4(node: number): string | null; releaseIpv4(node: number, ip: string): void };
  farmOf?(node: number): number;
}

/** Hands out private addresses per (network, node) and public ones from the pool; releases both. */
export class NicAllocator {
  /** `${network}/${node}` → host numbers in use. */
  private readonly used = new Map<string, Set<number>>();
  /** Public IPv4s this allocator reserved itself (and so must release). */
  private readonly reserved = new Map<string, string>();

  constructor(private readonly env: NicEnv) {}

  attach(request: NicRequest): ZMachineNics {
    const fail = (field: string, problem: string): never => {
      throw new InputError(`zmachine ${request.workloadId}`, field, problem);
    };
    const net = this.env.network(request.network);
    if (net === undefined) fail('network.interfaces[0].network', `no network named '${request.network}'`);
    const member = memberOf(net!, request.node) ?? fail('network.interfaces[0].network', `network '${request.network}' has no resource on node ${request.node}`);
    const key = `${request.network}/${request.node}`;
    const used = this.used.get(key) ?? new Set<number>();
    const host = this.privateHost(request, member.subnet.base, used, fail);
    const planetary = request.planetary === true ? { ip: this.planetary(request, fail) } : undefined;
    const publicNic = request.publicIp !== undefined ? this.publicNic(request, fail) : undefined;
    used.add(host);
    this.used.set(key, used);
    const ipv4 = formatIpv4(member.subnet.base + host);
    return {
      workloadId: request.workloadId,
      node: request.node,
      private: { network: request.network, ipv4, ipv6: privateIpv6(request.network, member.subnet.base + host) },
      ...(planetary !== undefined ? { planetary } : {}),
      ...(publicNic !== undefined ? { public: publicNic } : {}),
    };
  }

  detach(nics: ZMachineNics): void {
    const used = this.used.get(`${nics.private.network}/${nics.node}`);
    used?.delete(parseIpv4(nics.private.ipv4) & 255);
    const ip = this.reserved.get(nics.workloadId);
    if (ip !== undefined) {
      this.env.ipv4Pool?.releaseIpv4(nics.node, ip);
      this.reserved.delete(nics.workloadId);
    }
  }

  private privateHost(request: NicRequest, subnetBase: number, used: ReadonlySet<number>, fail: (f: string, p: string) => never): number {
    const field = 'network.interfaces[0].ip';
    if (request.ip === undefined || request.ip === '') {
      for (let host = 2; host < 255; host++) if (!used.has(host)) return host;
      return fail(field, `no free address left in node ${request.node}'s subnet ${formatIpv4(subnetBase)}/24`);
    }
    const address = parseIpv4(request.ip);
    if (address < 0) fail(field, `'${request.ip}' is not an IPv4 address`);
    if (!cidrContainsIp({ base: subnetBase, prefix: 24 }, address)) fail(field, `${request.ip} is not inside node ${request.node}'s subnet ${formatIpv4(subnetBase)}/24`);
    const host = address - subnetBase;
    if (host === 0 || host === 1 || host === 255) fail(field, `${request.ip} is reserved (network, NR gateway .1, or broadcast)`);
    if (used.has(host)) fail(field, `${request.ip} is already used by another machine`);
    return host;
  }

  private planetary(request: NicRequest, fail: (f: string, p: string) => never): string {
    if (this.env.overlayKey === undefined) return fail('network.planetary', 'no Planetary Network is modelled in this run');
    const prefix = yggNodeSubnet(overlayPublicKey(this.env.overlayKey(request.node)));
    return planetaryIp(prefix, deviceName(request.workloadId, 'ygg'));
  }

  private publicNic(request: NicRequest, fail: (f: string, p: string) => never): PublicNic {
    const want = request.publicIp!;
    if (!want.v4 && !want.v6) fail('network.public_ip', 'the ip workload must ask for v4, v6 or both');
    if (!this.env.hasPublicConfig(request.node)) fail('network.public_ip', `node ${request.node} has no public config`);
    let ipv4 = want.v4 ? want.ipv4 : undefined;
    if (want.v4 && ipv4 === undefined) {
      const pool = this.env.ipv4Pool ?? fail('network.public_ip', 'no public IPv4 pool is modelled in this run');
      ipv4 = pool.reserveIpv4(request.node) ?? undefined;
      if (ipv4 === undefined) throw new ZosError(ErrorCode.capacity, `zmachine ${request.workloadId}: field network.public_ip: no public ipv4 left in node ${request.node}'s farm`);
      this.reserved.set(request.workloadId, ipv4);
    }
    const ipv6 = want.v6 ? publicIpv6(this.env.farmOf?.(request.node) ?? 0, request.workloadId) : undefined;
    return { ...(ipv4 !== undefined ? { ipv4 } : {}), ...(ipv6 !== undefined ? { ipv6 } : {}) };
  }
}

function hashBytes(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** fd00::/8 (unique local) with 7 bytes from the network name, the IPv4 in the last 4 bytes. */
function privateIpv6(network: string, ipv4: number): string {
  const bytes = new Uint8Array(16);
  bytes[0] = 0xfd;
  bytes.set(hashBytes(`znet:${network}`).subarray(0, 7), 1);
  bytes.set([ipv4 >>> 24, (ipv4 >>> 16) & 255, (ipv4 >>> 8) & 255, ipv4 & 255], 12);
  return formatIpv6(bytes);
}

/** A farm's /64 in 2001:db8::/32 (documentation range, like the 185/8 stand-in for IPv4), SLAAC-like host part. */
function publicIpv6(farm: number, workloadId: string): string {
  const bytes = new Uint8Array(16);
  bytes.set([0x20, 0x01, 0x0d, 0xb8, (farm >>> 24) & 255, (farm >>> 16) & 255, (farm >>> 8) & 255, farm & 255]);
  bytes.set(hashBytes(`slaac:${workloadId}`).subarray(0, 8), 8);
  return formatIpv6(bytes);
}
