// A NIC as a full-duplex pair of flow-network links (tx, rx) at line rate × goodput efficiency, and host-to-host routes.
// Leaves out packet rates, MTU choice, offloads, queueing, and faults other than a whole-port failure.

import type { FlowEvent, FlowNetwork, LinkSpec } from './flow-network.js';
import type { NicProfile } from './profiles.js';

/** Two one-way links between the same two points: forward from the source side, backward to it. */
export interface DuplexLink {
  readonly forwardLinkId: number;
  readonly backwardLinkId: number;
}

export interface Nic {
  readonly name: string;
  readonly profile: NicProfile;
  /** Host → network. */
  readonly txLinkId: number;
  /** Network → host. */
  readonly rxLinkId: number;
  readonly goodputBytesPerS: number;
}

/** What a host-to-host transfer crosses: data one way, ACKs the other (for models with ACK cross-traffic). */
export interface Route {
  readonly path: readonly number[];
  readonly reversePath: readonly number[];
}

/**
 * TCP payload rate at full load: line rate in bytes × the profile's goodput efficiency (headers,
 * preamble and inter-frame gap; 0.949 at 1500 MTU). Link capacities carry this figure, so combine NICs
 * with a TCP model whose bandwidthFactor is 1 (the plain model), or the header overhead counts twice.
 */
export function nicGoodputBytesPerS(profile: NicProfile): number {
  return (profile.lineRateBitsPerS / 8) * profile.goodputEfficiency;
}

/**
 * Adds a NIC's two links. Each direction carries the profile's latency (serialisation of one frame at
 * line rate), so a host-to-host transfer pays it twice: once leaving the sender, once entering the receiver.
 */
export function addNic(network: FlowNetwork, profile: NicProfile, name: string = profile.name): Nic {
  const spec: LinkSpec = { bandwidthBytesPerS: nicGoodputBytesPerS(profile), latencyS: profile.latencyS };
  return { name, profile, txLinkId: network.addLink(spec), rxLinkId: network.addLink(spec), goodputBytesPerS: spec.bandwidthBytesPerS };
}

/** A switch uplink, a backbone or WAN hop: the same bandwidth and latency both ways. */
export function addDuplexLink(network: FlowNetwork, spec: LinkSpec): DuplexLink {
  return { forwardLinkId: network.addLink(spec), backwardLinkId: network.addLink(spec) };
}

/** The same duplex link seen from its other end, for routes that cross it the other way. */
export function reverseDuplex(link: DuplexLink): DuplexLink {
  return { forwardLinkId: link.backwardLinkId, backwardLinkId: link.forwardLinkId };
}

/**
 * sender tx → hops (each oriented from the sender's side) → receiver rx; ACKs go receiver tx → hops
 * backward in reverse order → sender rx. A switch fabric fast enough to block nobody needs no hop.
 */
export function nicRoute(from: Nic, to: Nic, hops: readonly DuplexLink[] = []): Route {
  const path = [from.txLinkId, ...hops.map((hop) => hop.forwardLinkId), to.rxLinkId];
  const reversePath = [to.txLinkId, ...hops.map((hop) => hop.backwardLinkId).reverse(), from.rxLinkId];
  return { path, reversePath };
}

export interface TransferOptions {
  readonly hops?: readonly DuplexLink[];
  readonly rateBoundBytesPerS?: number;
}

/** Sends sizeBytes from one NIC to another over the given hops. */
export function startNicTransfer(network: FlowNetwork, from: Nic, to: Nic, sizeBytes: number, options: TransferOptions = {}): FlowEvent {
  const route = nicRoute(from, to, options.hops);
  const bound = options.rateBoundBytesPerS;
  return network.startFlow({ ...route, sizeBytes, ...(bound === undefined ? {} : { rateBoundBytesPerS: bound }) });
}

/** A dead port, cable or NIC: both directions go down and every flow through it fails. */
export function failNic(network: FlowNetwork, nic: Nic): void {
  network.failLink(nic.txLinkId);
  network.failLink(nic.rxLinkId);
}

export function healNic(network: FlowNetwork, nic: Nic): void {
  network.healLink(nic.txLinkId);
  network.healLink(nic.rxLinkId);
}
