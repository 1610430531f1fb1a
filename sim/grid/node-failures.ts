// Wires a FailureModel over the grid's nodes: a host failure crashes the node (off, status decays to
// down) and its repair boots it. Leaves out which component failed; disk failures are the devices' own.

import type { Simulation } from '../engine/simulation.js';
import { FailureModel, type FailureCallbacks, type FailureModelOptions } from '../hardware/failures.js';

/**
 * What the model acts on: the grid itself, or a harness's fault port (scenarios pass their
 * FaultInjector through this, so random failures take the same path as every other fault; sim/ does
 * not import workers/). Each call must take effect before it returns.
 */
export interface NodeFaultTarget {
  readonly nodeCount: number;
  crash(node: number): void;
  repair(node: number): void;
}

/** Callbacks that crash and repair nodes, for a FailureModel with hostCount = nodes.nodeCount. */
export function nodeFailureCallbacks(nodes: NodeFaultTarget, extra: Partial<FailureCallbacks> = {}): FailureCallbacks {
  return {
    ...extra,
    onFail: (node, cause) => {
      nodes.crash(node);
      extra.onFail?.(node, cause);
    },
    onRepair: (node) => {
      nodes.repair(node);
      extra.onRepair?.(node);
    },
  };
}

/**
 * A started FailureModel whose hosts are the nodes (host i = node i). `extra` callbacks run after
 * the node has changed, so an observer sees it already off (or booted).
 */
export function attachFailures(
  sim: Simulation,
  nodes: NodeFaultTarget,
  options: Omit<FailureModelOptions, 'hostCount'>,
  extra: Partial<FailureCallbacks> = {},
): FailureModel {
  const model = new FailureModel(sim, { ...options, hostCount: nodes.nodeCount }, nodeFailureCallbacks(nodes, extra));
  model.start();
  return model;
}
