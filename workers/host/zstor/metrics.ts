// Prometheus metrics of one host zstor, by zstor's own names, labels and meaning, as 0-stor v2
// registers them (threefoldtech/0-stor_v2, zstor/src/actors/metrics.rs, MetricsActor::setup_prometheus):
//   zstore_{store,retrieve,rebuild,check}_commands_finished{success="true"|"false"} (counters; the
//     "zstore" spelling is zstor's), a rebuild being one object rebuilt by a repair sweep;
//   connection_status, entries, data_size_bytes, data_limit_bytes, index_size_bytes
//     {address, namespace, backend_type="data"|"meta"}: per backend, from its NSINFO, read when
//     scraped as zstor reads it every few seconds; a backend that does not answer shows
//     connection_status 0 and loses its other series, as zstor removes a dead backend's;
//   fabric_objects, fabric_objects_degraded, fabric_redundancy_margin_shards,
//     fabric_unconfigured_backends: set by each repair sweep (the margin keeps its last value when
//     there are no objects, as zstor's does).
// Our additions, prefixed zstor_ (zstor has no such series): command durations as a histogram, and
// the bytes stored and retrieved. Leaves out zstor's 0-db-fs (fs_*) and data-dir (data_dir_*)
// series: we run neither. One HostZstor per registry, as zstor is one per process.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RepairReport } from './repair.js';

export type ZstorCommand = 'store' | 'retrieve' | 'rebuild' | 'check';

/** One backend as a scrape sees it: its NSINFO fields, or null when it did not answer. */
export interface BackendReading {
  /** The backend's address and namespace, as the config names them (a ZstorEndpoint fits). */
  readonly endpoint: { readonly address: string; readonly namespace: string };
  readonly type: 'data' | 'meta';
  readonly nsinfo: ReadonlyMap<string, number> | null;
}

/** A store, retrieve or check takes milliseconds on a LAN to seconds over a WAN with large files. */
const commandBucketsS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ZstorMetrics {
  readonly registry = new Registry();
  private readonly finished: Record<ZstorCommand, Counter<'success'>>;
  private readonly durations: Histogram<'command' | 'success'>;
  private readonly bytes: Counter<'direction'>;
  private readonly fabric: Record<'objects' | 'degraded' | 'margin' | 'unconfigured', Gauge>;
  private readBackends: (() => Promise<readonly BackendReading[]>) | undefined;

  constructor() {
    const registers = [this.registry];
    const finished = (command: ZstorCommand): Counter<'success'> =>
      new Counter({ name: `zstore_${command}_commands_finished`, help: `zstor ${command} commands that finished`, labelNames: ['success'], registers });
    this.finished = { store: finished('store'), retrieve: finished('retrieve'), rebuild: finished('rebuild'), check: finished('check') };
    this.durations = new Histogram({ name: 'zstor_command_duration_seconds', help: 'Ours: time of one zstor command from call to outcome, by command and success', labelNames: ['command', 'success'], buckets: commandBucketsS, registers });
    this.bytes = new Counter({ name: 'zstor_file_bytes_total', help: 'Ours: bytes of files stored (direction="stored") and retrieved (direction="retrieved"), before compression and encoding', labelNames: ['direction'], registers });
    const gauge = (name: string, help: string): Gauge => new Gauge({ name, help, registers });
    this.fabric = {
      objects: gauge('fabric_objects', 'Amount of objects in the metastore at the last scan or repair sweep'),
      degraded: gauge('fabric_objects_degraded', 'Amount of objects with missing shards or shards on unreachable backends at the last scan or repair sweep'),
      margin: gauge('fabric_redundancy_margin_shards', 'How many more shards the worst object can lose before it is unreadable, at the last scan or repair sweep'),
      unconfigured: gauge('fabric_unconfigured_backends', 'Amount of distinct backends referenced by object metadata but absent from the running config, at the last scan or repair sweep'),
    };
    this.backendGauges(registers);
  }

  /** Called by HostZstor: where the backend series are read from at each scrape. */
  watchBackends(read: () => Promise<readonly BackendReading[]>): void {
    if (this.readBackends !== undefined) throw new Error('these zstor metrics already watch a HostZstor: give each its own ZstorMetrics');
    this.readBackends = read;
  }

  commandFinished(command: ZstorCommand, success: boolean, seconds?: number): void {
    const label = success ? 'true' : 'false';
    this.finished[command].inc({ success: label });
    if (seconds !== undefined) this.durations.observe({ command, success: label }, seconds);
  }

  fileBytes(direction: 'stored' | 'retrieved', bytes: number): void {
    this.bytes.inc({ direction }, bytes);
  }

  /** After a repair sweep: its objects, the degraded ones (repaired or not), the worst margin. */
  sweepDone(report: RepairReport): void {
    this.fabric.objects.set(report.objects);
    this.fabric.degraded.set(report.objects - report.healthyObjects);
    if (report.worstMarginShards !== null) this.fabric.margin.set(report.worstMarginShards);
    this.fabric.unconfigured.set(report.unconfiguredBackends);
  }

  /** One NSINFO round per scrape, shared by every backend gauge (prom-client collects them concurrently). */
  private readingsInFlight: Promise<readonly BackendReading[]> | undefined;

  private readings(): Promise<readonly BackendReading[]> {
    if (this.readingsInFlight === undefined) {
      this.readingsInFlight = (this.readBackends?.() ?? Promise.resolve([])).finally(() => (this.readingsInFlight = undefined));
    }
    return this.readingsInFlight;
  }

  /** connection_status (1 answered, 0 not) and the NSINFO gauges of the backends that answered. */
  private backendGauges(registers: Registry[]): void {
    const labelNames = ['address', 'namespace', 'backend_type'] as const;
    const gauges: ReadonlyArray<readonly [string, string, (info: ReadonlyMap<string, number> | null) => number | undefined]> = [
      ['connection_status', 'Status of the connection to the 0-db', (i) => (i === null ? 0 : 1)],
      ['entries', 'entries in namespace', (i) => i?.get('entries')],
      ['data_size_bytes', 'data_size_bytes in namespace', (i) => i?.get('data_size_bytes')],
      // zstor: the namespace's limit, or the disk's free space when it has none.
      ['data_limit_bytes', 'data_limit_bytes in namespace', (i) => (i === null ? undefined : i.get('data_limits_bytes') || i.get('data_disk_freespace_bytes'))],
      ['index_size_bytes', 'index_size_bytes in namespace', (i) => i?.get('index_size_bytes')],
    ];
    const metrics = this;
    for (const [name, help, read] of gauges) {
      new Gauge({
        name, help, labelNames, registers,
        async collect() {
          const readings = await metrics.readings();
          this.reset();
          for (const { endpoint, type, nsinfo } of readings) {
            const value = read(nsinfo);
            if (value !== undefined) this.set({ address: endpoint.address, namespace: endpoint.namespace, backend_type: type }, value);
          }
        },
      });
    }
  }
}
