// Every benchmark's name, summary, usage and flags: the one definition that both `zos-testbed bench`
// (help, validation) and the benchmark scripts in bench/ (their own parsing) use.

import type { FlagSpecs } from '../../args.js';

export interface BenchSpec {
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpecs;
}

export const benchSpecs = {
  engine: {
    summary: 'hold model with 10,000 pending events: engine vs a bare typed-array heap',
    usage: 'bench engine [--pending N] [--events N] [--rounds N] [--json]',
    flags: {
      pending: { kind: 'value', valueName: 'N', help: 'pending events (default 10000)' },
      events: { kind: 'value', valueName: 'N', help: 'events per timed round (default 3000000)' },
      rounds: { kind: 'value', valueName: 'N', help: 'timed rounds per side, median reported (default 5)' },
    },
  },
  grid: {
    summary: 'build an N-node grid and deploy a mix of small deployments: memory per node and deployments/s',
    usage: 'bench grid [--nodes N] [--deployments N] [--json]',
    flags: {
      nodes: { kind: 'value', valueName: 'N', help: 'nodes (default 10000)' },
      deployments: { kind: 'value', valueName: 'N', help: 'deployments (default min(nodes, 10000))' },
    },
  },
  scale: {
    summary: 'capacity-10k-year at N nodes and at K × N (farms and deployments scaled alike): CPU per event, their ratio, peak RSS',
    usage: 'bench scale [--nodes N] [--scale K] [--until DURATION] [--json]',
    flags: {
      nodes: { kind: 'value', valueName: 'N', help: 'nodes of the reference run, a multiple of 250 (default 10000)' },
      until: { kind: 'value', valueName: 'DURATION', help: 'simulated span of every run, like 30d (default the scenario\'s year)' },
      scale: { kind: 'value', valueName: 'K', help: 'the scaled run has K × N nodes (default 10; 100 for a million)' },
    },
  },
  zdb: {
    summary: 'real Zero-DB server: SET/GET ops/s vs a private redis-server, same client and pipeline',
    usage: 'bench zdb [--ops N] [--value-bytes B] [--pipeline D] [--rounds N] [--keys N] [--clients N] [--unpipelined-ops N] [--json]',
    flags: {
      ops: { kind: 'value', valueName: 'N', help: 'SETs (then GETs) per timed round and target (default 50000)' },
      'value-bytes': { kind: 'value', valueName: 'B', help: 'value size (default 100)' },
      pipeline: { kind: 'value', valueName: 'D', help: 'commands per pipeline (default 32)' },
      rounds: { kind: 'value', valueName: 'N', help: 'timed rounds per target, median reported (default 3)' },
      keys: { kind: 'value', valueName: 'N', help: 'keys loaded into a fresh server before its RSS is read (default 1000000; 0 skips)' },
      clients: { kind: 'value', valueName: 'N', help: 'concurrent unpipelined clients (default 50)' },
      'unpipelined-ops': { kind: 'value', valueName: 'N', help: 'unpipelined SETs (then GETs) per round and target (default 100000)' },
    },
  },
  placement: {
    summary: 'place small deployments on an N-node capacity index, each reserving: index vs a linear scan',
    usage: 'bench placement [--nodes N] [--placements N] [--weight spread|pack] [--seed S] [--json]',
    flags: {
      nodes: { kind: 'value', valueName: 'N', help: 'nodes (default 100000)' },
      placements: { kind: 'value', valueName: 'N', help: 'timed placements on the index (default 200000)' },
      weight: { kind: 'value', valueName: 'spread|pack', help: 'placement weight (default spread)' },
      seed: { kind: 'value', valueName: 'S', help: 'seed of the synthetic grid and requests (default 1)' },
    },
  },
  queue: {
    summary: 'operations through the BullMQ transport vs raw BullMQ no-op jobs, same private Redis, workers and concurrency',
    usage: 'bench queue [--ops N] [--concurrency N] [--workers N] [--rounds N] [--op hub.up|zdb.set] [--redis URL] [--json]',
    flags: {
      ops: { kind: 'value', valueName: 'N', help: 'operations (and raw jobs) per measurement (default 3000)' },
      concurrency: { kind: 'value', valueName: 'N', help: 'jobs in flight, for both sides (default 256, what one `zos-testbed worker` runs by default)' },
      workers: { kind: 'value', valueName: 'N', help: 'BullMQ Worker instances sharing that concurrency, for both sides (default 4)' },
      rounds: { kind: 'value', valueName: 'N', help: 'interleaved rounds of both sides after an untimed warm-up; the round with the median ratio is reported (default 5)' },
      op: { kind: 'value', valueName: 'hub.up|zdb.set', help: 'the operation timed (default hub.up: effects at one virtual instant; zdb.set: each write ends at its own instant)' },
      redis: { kind: 'value', valueName: 'URL', help: 'a Redis to use (default: a private redis-server)' },
    },
  },
  zstor: {
    summary: 'real zstor (compress, AES-GCM, k+m Reed–Solomon, metadata 2+2) over zdb processes: store/retrieve MB/s vs raw zdb SET/GET of the same bytes',
    usage: 'bench zstor [--size-mib N] [--k K] [--m M] [--rounds N] [--entry-kib KIB] [--no-fsync] [--json]',
    flags: {
      'size-mib': { kind: 'value', valueName: 'N', help: 'file size per round in MiB (default 64)' },
      k: { kind: 'value', valueName: 'K', help: 'data shards, minimal_shards (default 4)' },
      m: { kind: 'value', valueName: 'M', help: 'parity shards (default 2)' },
      rounds: { kind: 'value', valueName: 'N', help: 'timed rounds, median reported (default 3)' },
      'entry-kib': { kind: 'value', valueName: 'KIB', help: 'zdb entry size shards are cut into (default 2048, as zstor)' },
      'no-fsync': { kind: 'boolean', help: 'zdb servers without fdatasync (both sides alike)' },
    },
  },
  tui: {
    summary: 'the TUI at max speed against a headless run of the same 10,000-node scenario: slowdown',
    usage: 'bench tui [--rounds N] [--json]',
    flags: {
      rounds: { kind: 'value', valueName: 'N', help: 'rounds, best of each (default 3)' },
    },
  },
  startup: {
    summary: 'CPU time of `zos-testbed version` and `help` (the compiled binary) vs `node -e 0`, measured side by side',
    usage: 'bench startup [--rounds N] [--json]',
    flags: {
      rounds: { kind: 'value', valueName: 'N', help: 'interleaved runs of each command; the mean CPU time is reported (default 20)' },
    },
  },
  report: {
    summary: 'CPU time of the compiled `run SCENARIO` with `--out DIR` vs without, in child processes, interleaved: medians and their ratio',
    usage: 'bench report [--scenario NAME] [--seed S] [--until DURATION] [--rounds N] [--json]',
    flags: {
      scenario: { kind: 'value', valueName: 'NAME', help: 'the scenario run (default capacity-10k-year)' },
      seed: { kind: 'value', valueName: 'S', help: 'its seed (default 1)' },
      until: { kind: 'value', valueName: 'DURATION', help: 'length of the safety phase, as run --until (default: the scenario\'s)' },
      rounds: { kind: 'value', valueName: 'N', help: 'runs of each side, interleaved; medians reported (default 3)' },
    },
  },
  observability: {
    summary: '`bench queue` operations served by worker-process job workers with metrics and tracing off, metrics on, and both on: ops/s and the ratios',
    usage: 'bench observability [--ops N] [--concurrency N] [--workers N] [--rounds N] [--json]',
    flags: {
      ops: { kind: 'value', valueName: 'N', help: 'hub.up operations per measurement (default 3000)' },
      concurrency: { kind: 'value', valueName: 'N', help: 'jobs in flight across the workers (default 256)' },
      workers: { kind: 'value', valueName: 'N', help: 'job workers, each as one `zos-testbed worker` (default 4)' },
      rounds: { kind: 'value', valueName: 'N', help: 'interleaved rounds of the three settings after a warm-up; medians reported (default 5)' },
    },
  },
  mycelium: {
    summary: 'Mycelium routing: N nodes, D destinations in use, F link failures: CPU and peak RSS vs a Dijkstra per destination and failure',
    usage: 'bench mycelium [--nodes N] [--destinations D] [--link-failures F] [--seed S] [--json]',
    flags: {
      nodes: { kind: 'value', valueName: 'N', help: 'nodes of the synthetic peering graph (default 10000)' },
      destinations: { kind: 'value', valueName: 'D', help: 'destinations in use (default 256)' },
      'link-failures': { kind: 'value', valueName: 'F', help: 'links failed one after another (default 100)' },
      seed: { kind: 'value', valueName: 'S', help: 'seed of the graph, destinations and failures (default 1)' },
    },
  },
} as const satisfies Record<string, BenchSpec>;

export type BenchName = keyof typeof benchSpecs;
