// The qsfs frontend's write path: 0-db-fs appends to a local 0-db cache whose segments are uploaded
// through zstor when full or when the rotation timer fires. Leaves out cache eviction and SSD IO timing.

import type { SimEvent } from '../../engine/events.js';
import type { ProcessGenerator } from '../../engine/process.js';
import type { Simulation } from '../../engine/simulation.js';
import { SimulationError } from '../../errors.js';
import type { GridNodeApi } from '../../grid/node-api.js';
import type { AbortFlag, ZstorCluster } from './cluster.js';
import { MiB, ZstorError } from './types.js';

export interface QsfsFrontendOptions {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  readonly node: number;
  readonly cluster: ZstorCluster;
  /** Key prefix of this frontend's segments (zstor `meta.config.prefix`). */
  readonly prefix: string;
  /** 0-db data segment size: a full segment is closed and uploaded at once. */
  readonly segmentBytes?: number;
  /** zdbfs rotation timeout (quantumd `zdb_rotate_time`, 15 min). */
  readonly rotateS?: number;
  /** quantumd's retry loop for failed uploads (`retry_interval`, 10 min). */
  readonly uploadRetryS?: number;
}

type SegmentState = 'open' | 'uploading' | 'uploaded' | 'lost';

interface Segment {
  readonly id: number;
  readonly key: string;
  bytes: number;
  readonly openedAtS: number;
  closedAtS: number;
  uploadedAtS: number;
  state: SegmentState;
  readonly files: Set<string>;
}

export type FileState = 'cached' | 'uploaded' | 'lost';

export class QsfsFrontend {
  readonly segmentBytes: number;
  readonly rotateS: number;
  readonly uploadRetryS: number;
  alive = true;
  /** Longest close-to-stored time seen, so tests can check the loss window against it. */
  maxUploadS = 0;
  /** Bytes uploaded so far; qsfs's lazy delete watches it through the metrics endpoint. */
  uploadedBytes = 0;
  private readonly segments: Segment[] = [];
  private readonly fileSegments = new Map<string, Segment[]>();
  private open: Segment | null = null;
  private readonly abort: AbortFlag = { aborted: false };

  constructor(private readonly options: QsfsFrontendOptions, inherited?: ReadonlyMap<string, readonly Segment[]>) {
    this.segmentBytes = options.segmentBytes ?? 256 * MiB;
    this.rotateS = options.rotateS ?? 15 * 60;
    this.uploadRetryS = options.uploadRetryS ?? 10 * 60;
    if (inherited !== undefined) for (const [path, segs] of inherited) this.fileSegments.set(path, [...segs]);
    options.grid.onPower((node, event) => {
      if (node === options.node && event === 'off') this.die();
    }, options.node);
  }

  get node(): number {
    return this.options.node;
  }

  /** Appends a file to the cache; it is durable only once every segment holding it is uploaded. */
  write(path: string, sizeBytes: number): void {
    if (!this.alive) throw new SimulationError(`qsfs frontend on node ${this.options.node} is down`);
    let left = sizeBytes;
    const segs: Segment[] = [];
    do {
      const seg = this.openSegment();
      const take = Math.min(left, this.segmentBytes - seg.bytes);
      seg.bytes += take;
      seg.files.add(path);
      segs.push(seg);
      left -= take;
      if (seg.bytes >= this.segmentBytes) this.close(seg);
    } while (left > 0);
    this.fileSegments.set(path, segs);
  }

  fileState(path: string): FileState {
    const segs = this.fileSegments.get(path);
    if (segs === undefined) throw new SimulationError(`no file ${path}`);
    if (segs.some((s) => s.state === 'lost')) return 'lost';
    return segs.every((s) => s.state === 'uploaded') ? 'uploaded' : 'cached';
  }

  files(): string[] {
    return [...this.fileSegments.keys()];
  }

  /** Reads a file: from the cache while the frontend lives, else rebuilt from zstor per segment. */
  read(path: string): SimEvent<number> {
    return this.options.sim.process(this.readSteps(path), `qsfs:read:${path}`);
  }

  /**
   * A new frontend with the same zstor config, keys and metadata (DOMAIN 5.12): it knows every file
   * whose segments were all uploaded; the rest died with the old cache.
   */
  redeploy(node: number): QsfsFrontend {
    const kept = new Map<string, Segment[]>();
    for (const [path, segs] of this.fileSegments) if (segs.every((s) => s.state === 'uploaded')) kept.set(path, segs);
    return new QsfsFrontend({ ...this.options, node }, kept);
  }

  private *readSteps(path: string): ProcessGenerator<number> {
    const state = this.fileState(path);
    if (state === 'lost') throw new ZstorError('unreadable', `${path} was only in the lost frontend cache`);
    if (state === 'cached' && !this.alive) throw new ZstorError('unreadable', `${path}: frontend down`);
    // Segments in this frontend's own live cache are served locally; the rest are rebuilt by zstor.
    for (const seg of this.fileSegments.get(path)!) {
      if (seg.state === 'uploaded' && !(this.alive && this.segments.includes(seg))) yield this.options.cluster.retrieve(seg.key);
    }
    return this.fileSegments.get(path)!.length;
  }

  private openSegment(): Segment {
    if (this.open !== null) return this.open;
    const id = this.segments.length;
    const seg: Segment = { id, key: `${this.options.prefix}/seg-${this.options.node}-${id}`, bytes: 0, openedAtS: this.options.sim.nowS, closedAtS: NaN, uploadedAtS: NaN, state: 'open', files: new Set() };
    this.segments.push(seg);
    this.open = seg;
    this.options.sim.schedule(this.rotateS, () => {
      if (seg.state === 'open' && this.alive) this.close(seg);
    });
    return seg;
  }

  private close(seg: Segment): void {
    if (this.open === seg) this.open = null;
    seg.state = 'uploading';
    seg.closedAtS = this.options.sim.nowS;
    this.options.sim.process(this.upload(seg), `qsfs:upload:${seg.key}`);
  }

  private *upload(seg: Segment): ProcessGenerator<void> {
    for (;;) {
      try {
        yield this.options.cluster.store(seg.key, Math.max(1, seg.bytes), this.abort);
        break;
      } catch (error) {
        if (!(error instanceof ZstorError)) throw error;
        if (error.reason === 'aborted' || !this.alive) return;
        yield this.uploadRetryS;
        if (!this.alive) return;
      }
    }
    // A store that finished as the node died counts as lost: zstor died with it before reporting.
    if (!this.alive) return;
    seg.state = 'uploaded';
    seg.uploadedAtS = this.options.sim.nowS;
    this.uploadedBytes += seg.bytes;
    this.maxUploadS = Math.max(this.maxUploadS, seg.uploadedAtS - seg.closedAtS);
  }

  /** The node died: the cache and every segment not yet uploaded go with it. */
  private die(): void {
    if (!this.alive) return;
    this.alive = false;
    this.abort.aborted = true;
    for (const seg of this.segments) if (seg.state !== 'uploaded') seg.state = 'lost';
    this.open = null;
  }
}
