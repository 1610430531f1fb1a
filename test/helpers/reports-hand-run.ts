// A tiny run small enough to compute every reported number by hand: three buckets of 100 s, two
// nodes, two operation kinds. The expected values live in the tests that use it.

import { RunRecorder } from '../../reports/recorder.js';
import type { GridSample, RunRecord } from '../../reports/types.js';

/** A sample where each resource is `usedPercent` % of 100 units and queueDepth is given. */
export function handSample(usedPercent: number, nodesDown: number, queueDepth: number): GridSample {
  return {
    used: { cru: usedPercent, mruBytes: usedPercent / 2, sruBytes: 0, hruBytes: 0 },
    total: { cru: 100, mruBytes: 100, sruBytes: 100, hruBytes: 0 },
    nodesUp: 10 - nodesDown,
    nodesDown,
    workloadsOk: 5,
    workloadsError: nodesDown,
    queueDepth,
    zstorObjectsDegraded: nodesDown * 3,
    zstorStoredBytes: 2e12,
  };
}

/**
 * Gauges: 20 % used over [0, 50), 60 % over [50, 150), 40 % over [150, 250].
 * Kind `a`: 20 operations finishing in bucket 0 with latencies 2000, 3000, …, 21000 ms, wait 1000 ms.
 * Kind `b`: one failed operation in bucket 1, latency 1000 ms, wait 500 ms.
 * Node 1 is down over [40, 140); node "x" is up throughout.
 */
export function handRun(scenario = 'hand'): RunRecord {
  const rec = new RunRecorder({ seed: 7, scenario, bucketS: 100 });
  rec.node(0, { id: 'x', up: true, farm: 'f2' });
  rec.node(0, { id: 1, up: true, farm: 'f1', template: 't', capacity: { cru: 8, mruBytes: 16, sruBytes: 32, hruBytes: 64 } });
  rec.sample(0, handSample(20, 0, 4));
  rec.event(10, 'workload-replaced');
  for (let i = 1; i <= 20; i++) rec.operation({ id: `a${i}`, kind: 'a', submittedS: 0, startedS: 1, finishedS: 1 + i, state: 'ok' });
  rec.event(20, 'workload-replaced');
  rec.node(40, { id: 1, up: false });
  rec.sample(50, handSample(60, 2, 0));
  rec.event(60, 'repair', { bytes: 5e9 });
  rec.operation({ id: 'b1', kind: 'b', submittedS: 100, startedS: 100.5, finishedS: 101, state: 'error' });
  rec.event(120, 'repair', { bytes: 1e9 });
  rec.event(130, 'object-lost', { count: 3, bytes: 3000 });
  rec.event(130, 'custom-thing');
  rec.node(140, { id: 1, up: true });
  rec.sample(150, handSample(40, 0, 2));
  return rec.finish(250);
}
