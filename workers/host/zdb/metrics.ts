// Prometheus metrics of one real 0-db server (prom-client, a registry of its own): commands by name
// and outcome, their durations, network bytes, clients, and per namespace the figures NSINFO shows.
// 0-db itself has no /metrics (only INFO and NSINFO, zdbd/commands_info.c); the names here are ours,
// prefixed zdb_, with NSINFO's field names (entries, data_size_bytes, index_size_bytes) kept.
// Loaded only when metrics are asked for (`zdb --metrics-port`), so the server needs no prom-client.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerStats } from './command-context.js';
import type { CommandObserver, CommandOutcome } from './server.js';
import type { ZdbStore } from './store.js';

/** A command takes microseconds in memory to milliseconds with an fsync'd batch or a large SCAN. */
const commandBucketsS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

export interface ZdbMetrics {
  readonly registry: Registry;
  /** For ZdbServerOptions.observer: one call per request run. */
  readonly observer: CommandObserver;
}

/** What the gauges read at scrape time: the server's counters and its namespaces. */
export interface ZdbMetricSources {
  readonly stats: () => ServerStats;
  readonly store: () => ZdbStore;
  readonly connectedClients: () => number;
}

export function createZdbMetrics(sources: ZdbMetricSources): ZdbMetrics {
  const registry = new Registry();
  const registers = [registry];
  const commands = new Counter({ name: 'zdb_commands_total', help: 'Requests run, by the command they dispatched to (0-db\'s prefix rule; "unknown" when none) and outcome (ok, or error for any error reply)', labelNames: ['command', 'outcome'], registers });
  const durations = new Histogram({ name: 'zdb_command_duration_seconds', help: 'Time to run one request, before its batch\'s fsync, by command', labelNames: ['command'], buckets: commandBucketsS, registers });
  counterFrom(registers, 'zdb_received_bytes_total', 'Bytes received from clients (INFO network_rx_bytes)', () => sources.stats().rxBytes);
  counterFrom(registers, 'zdb_sent_bytes_total', 'Bytes sent to clients (INFO network_tx_bytes)', () => sources.stats().txBytes);
  counterFrom(registers, 'zdb_connections_total', 'Client connections accepted since start (INFO clients_lifetime)', () => sources.stats().clients);
  new Gauge({ name: 'zdb_clients_connected', help: 'Clients connected now', registers, collect() { this.set(sources.connectedClients()); } });
  new Gauge({ name: 'zdb_namespaces', help: 'Namespaces on this server, the default one included', registers, collect() { this.set(sources.store().names.length); } });
  namespaceGauge(registers, sources, 'zdb_namespace_entries', 'Live keys in the namespace (NSINFO entries)', (ns) => ns.dbsize);
  namespaceGauge(registers, sources, 'zdb_namespace_data_size_bytes', 'Bytes of live values in the namespace (NSINFO data_size_bytes)', (ns) => ns.dataSizeBytes);
  namespaceGauge(registers, sources, 'zdb_namespace_index_size_bytes', 'Bytes of the namespace\'s index file (NSINFO index_size_bytes)', (ns) => ns.files.indexSizeBytes);
  // prom-client hashes label values on every labels() call: keep one child per (command, outcome).
  const children = new Map<string, { inc(): void; observe(seconds: number): void }>();
  const child = (command: string, outcome: CommandOutcome) => {
    const key = `${command} ${outcome}`;
    let found = children.get(key);
    if (found === undefined) {
      const counter = commands.labels(command, outcome);
      const histogram = durations.labels(command);
      children.set(key, (found = { inc: () => counter.inc(), observe: (s) => histogram.observe(s) }));
    }
    return found;
  };
  return {
    registry,
    observer: (command, outcome, seconds) => {
      const c = child(command, outcome);
      c.inc();
      c.observe(seconds);
    },
  };
}

type Registers = Registry[];

/** A counter whose value is read from the server's own count when scraped. */
function counterFrom(registers: Registers, name: string, help: string, read: () => number): void {
  new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
}

type Namespace = ReturnType<ZdbStore['mustGet']>;

/** A gauge per namespace, read when scraped; a deleted namespace's series goes with it. */
function namespaceGauge(registers: Registers, sources: ZdbMetricSources, name: string, help: string, read: (ns: Namespace) => number): void {
  new Gauge({
    name, help, labelNames: ['namespace'], registers,
    collect() {
      this.reset();
      for (const ns of sources.store().all) this.labels(ns.name).set(read(ns));
    },
  });
}
