// An flist hub: a catalogue of flists and one flow-network link whose bandwidth every fetch shares.
// Any URL of a real hub's form that nobody published is served as a synthetic image (synthetic.ts).
// Leaves out rfs store routing/sharding, HTTP overheads and per-request latency beyond the link's own.

import { ErrorCode, ZosError } from '../../errors.js';
import type { FlowEvent, FlowNetwork } from '../../hardware/flow-network.js';
import { FlistNotFoundError, type Flist } from './flist.js';
import { parseHubFlistUrl } from './hub-url.js';
import { syntheticFlist } from './synthetic.js';

export interface HubOptions {
  readonly bandwidthBytesPerS: number;
  readonly latencyS?: number;
  readonly name?: string;
  /**
   * Serve URLs of a real hub's form (https://hub.grid.tf/<user>/<name>.flist) that were not published
   * as synthetic images drawn from the URL (default true); false: only published flists exist.
   */
  readonly synthesiseRealUrls?: boolean;
}

/** The hub could not be reached (down, or it went down mid-transfer). */
export class HubUnreachableError extends ZosError {
  constructor(readonly hub: string, readonly what: string) {
    super(ErrorCode.deviceFailed, `${hub} unreachable: cannot fetch ${what}`);
  }
}

export class Hub {
  readonly name: string;
  /** The hub's uplink: every metadata and block fetch crosses it, so fetches share its bandwidth. */
  readonly linkId: number;
  private readonly catalogue = new Map<string, Flist>();
  private readonly synthesiseRealUrls: boolean;

  constructor(readonly network: FlowNetwork, options: HubOptions) {
    this.name = options.name ?? 'hub';
    this.synthesiseRealUrls = options.synthesiseRealUrls ?? true;
    this.linkId = network.addLink({ bandwidthBytesPerS: options.bandwidthBytesPerS, latencyS: options.latencyS ?? 0 });
  }

  get isUp(): boolean {
    return this.network.isLinkUp(this.linkId);
  }

  /** Down fails every transfer in progress (their readers see HubUnreachableError); up serves again. */
  setUp(up: boolean): void {
    if (up === this.isUp) return;
    if (up) this.network.healLink(this.linkId);
    else this.network.failLink(this.linkId);
  }

  publish(flist: Flist): void {
    this.catalogue.set(flist.url, flist);
  }

  /** The flist behind a URL, ignoring reachability: callers pay for the metadata with transfer(). */
  lookup(url: string): Flist {
    const flist = this.catalogue.get(url) ?? this.synthesise(url);
    if (flist === undefined) throw new FlistNotFoundError(url);
    return flist;
  }

  /** The synthetic image behind a real hub URL, made once: it depends on the URL only, not on call order. */
  private synthesise(url: string): Flist | undefined {
    const parsed = this.synthesiseRealUrls ? parseHubFlistUrl(url) : null;
    if (parsed === null) return undefined;
    const flist = syntheticFlist(url, parsed);
    this.catalogue.set(url, flist);
    return flist;
  }

  /** Moves `sizeBytes` from the hub over its link and then `path` (a node's downlink, say). */
  transfer(sizeBytes: number, path: readonly number[] = []): FlowEvent {
    return this.network.startFlow({ path: [this.linkId, ...path], sizeBytes });
  }
}
