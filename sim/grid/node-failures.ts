// Wires a FailureModel over the grid's nodes: a host failure crashes the node (off, status decays to
// down) and its repair boots it. Leaves out which component failed; disk failures are the devices' own.

import type { Simulation } from '../engine/simulation.js';
import { FailureModel, type FailureCallbacks, type FailureModelOptions } from '../hardware/failures.js';
import type { Grid } from './grid.js';

/** Callbacks that crash and repair grid nodes, for a FailureModel with hostCount = grid.nodeCount. */
export function nodeFailureCallbacks(grid: Grid, extra: Partial<FailureCallbacks> = {}): FailureCallbacks {
  return {
    ...extra,
    onFail: (node, cause) => {
      grid.crash(node);
      extra.onFail?.(node, cause);
    },
    onRepair: (node) => {
      grid.repair(node);
      extra.onRepair?.(node);
    },
  };
}

/**
 * A started FailureModel whose hosts are the grid's nodes (host i = node i). `extra` callbacks run
 * after the grid has changed, so an observer sees the node already off (or booted).
 */
export function attachFailures(
  sim: Simulation,
  grid: Grid,
  options: Omit<FailureModelOptions, 'hostCount'>,
  extra: Partial<FailureCallbacks> = {},
): FailureModel {
  const model = new FailureModel(sim, { ...options, hostCount: grid.nodeCount }, nodeFailureCallbacks(grid, extra));
  model.start();
  return model;
}
