// A synthetic run fed to a RunRecorder the way a runner would: nodes failing and coming back, load
// growing, operations of a few kinds, zstor repairs and a loss. Leaves out the real simulator.

import seedrandom from 'seedrandom';
import { RunRecorder } from '../../reports/recorder.js';
import type { RunRecord } from '../../reports/types.js';

export interface FixtureOptions {
  readonly seed?: string;
  readonly nodes?: number;
  readonly durationS?: number;
  readonly bucketS?: number;
  /** Operations submitted per simulated hour, grid-wide. */
  readonly opsPerHour?: number;
}

const kinds = ['deployment-create', 'zdb-namespace', 'vm-update'] as const;
const gib = 2 ** 30;

/** Same options ⇒ the same sequence of recorder calls, so the same RunRecord. */
export function fixtureRun(options: FixtureOptions = {}): RunRecord {
  const { seed = 'fixture', nodes = 40, durationS = 14 * 86400, bucketS = 6 * 3600, opsPerHour = 30 } = options;
  const rng = seedrandom.alea(seed);
  const rec = new RunRecorder({ seed, scenario: 'synthetic <fixture> & co', bucketS });
  const up: boolean[] = [];
  for (let i = 0; i < nodes; i++) {
    up.push(true);
    rec.node(0, { id: i, up: true, farm: `farm-${i % 3}`, template: i % 2 ? 'storage-heavy' : 'farmer-server', capacity: { cru: 32, mruBytes: 128 * gib, sruBytes: 2e12, hruBytes: 16e12 } });
  }
  let opId = 0;
  for (let t = 0; t < durationS; t += 600) {
    // A node fails now and then and is repaired after a few hours.
    for (let i = 0; i < nodes; i++) {
      if (up[i] && rng() < 0.0008) up[i] = false;
      else if (!up[i] && rng() < 0.05) up[i] = true;
      else continue;
      rec.node(t, { id: i, up: up[i]! });
    }
    const nodesUp = up.filter(Boolean).length;
    const load = 0.2 + 0.5 * (t / durationS);
    const totalUp = { cru: 32 * nodesUp, mruBytes: 128 * gib * nodesUp, sruBytes: 2e12 * nodesUp, hruBytes: 16e12 * nodesUp };
    const allNodes = { cru: 32 * nodes, mruBytes: 128 * gib * nodes, sruBytes: 2e12 * nodes, hruBytes: 16e12 * nodes };
    rec.sample(t, {
      used: { cru: allNodes.cru * load * 1.1, mruBytes: allNodes.mruBytes * load, sruBytes: allNodes.sruBytes * load * 0.6, hruBytes: allNodes.hruBytes * load * 0.3 },
      total: totalUp,
      nodesUp,
      nodesDown: nodes - nodesUp,
      workloadsOk: Math.round(nodes * 4 * load),
      workloadsError: nodes - nodesUp,
      queueDepth: Math.floor(rng() * 5),
      zstorObjectsDegraded: (nodes - nodesUp) * 12,
      zstorStoredBytes: 50e12 * load,
    });
    if (nodesUp < nodes) rec.event(t, 'repair', { bytes: (nodes - nodesUp) * 4e9 });
    if (rng() < 0.01) rec.event(t, 'workload-replaced', { deployment: `d${opId}` });
    if (t === 7 * 86400) rec.event(t, 'object-lost', { count: 2, bytes: 8e6 });
    // Operations submitted in this 10-minute step finish within it.
    const n = Math.floor((opsPerHour / 6) * (0.5 + rng()));
    for (let k = 0; k < n; k++) {
      const kind = kinds[opId % kinds.length]!;
      const waitS = rng() * 2;
      const serviceS = (kind === 'vm-update' ? 5 : 1) * (0.2 + rng() * rng() * 8);
      rec.operation({ id: `op${opId++}`, kind, submittedS: t, startedS: t + waitS, finishedS: t + waitS + serviceS, state: rng() < 0.03 ? 'error' : 'ok' });
    }
  }
  return rec.finish(durationS);
}
