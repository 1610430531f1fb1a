// The compiled form of a scenario: every time in seconds, every distribution built, every reference
// resolved. Nothing downstream re-checks raw input. Leaves out how it is built (compile.ts).

import type { Distribution } from '../sim/engine/distributions.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';
import type { ActionSpec, DeploymentGroupSpec, InvariantSpec, NodeGroupFilter } from './scenario.js';

type Timed<T> = { readonly [K in keyof T]: K extends `${string}S` ? number : T[K] };

export interface CompiledGroup extends Omit<Required<Pick<DeploymentGroupSpec, 'name' | 'kind' | 'count' | 'cpu' | 'twin'>>, never> {
  readonly node: number | undefined;
  readonly atS: number;
  readonly interval: Distribution | undefined;
  readonly memoryBytes: number;
  readonly memoryFraction: number | undefined;
  readonly diskBytes: number;
  readonly tamper: DeploymentGroupSpec['tamper'];
  readonly backends: string | undefined;
  readonly minimalShards: number;
  readonly expectedShards: number;
  readonly writeEvery: Distribution | undefined;
  readonly fileBytes: number;
  readonly nodeGroup: NodeGroupFilter | undefined;
}

export type CompiledFault =
  | { readonly kind: 'crash'; readonly nodes: readonly number[] | undefined; readonly group: string | undefined; readonly atS: number; readonly repairAfterS: number | undefined }
  | { readonly kind: 'reboot'; readonly node: number; readonly atS: number }
  | { readonly kind: 'fail-ssd'; readonly group: string | undefined; readonly node: number; readonly pool: number; readonly atS: number }
  | { readonly kind: 'fail-hdd'; readonly node: number; readonly disk: number; readonly atS: number }
  | { readonly kind: 'fail-zdb'; readonly group: string; readonly index: number; readonly atS: number }
  | { readonly kind: 'hub-outage'; readonly atS: number; readonly durationS: number | undefined }
  | { readonly kind: 'node-failures'; readonly timeToFailure: Distribution; readonly timeToRepair: Distribution }
  | { readonly kind: 'correlated'; readonly interval: Distribution; readonly duration: Distribution; readonly fraction: Distribution; readonly nodes: readonly number[] | undefined }
  | { readonly kind: 'disk-failures'; readonly hddAfr: number; readonly ssdAfr: number; readonly replaceAfter: Distribution }
  /** `field` is the fault's path (faults[i]): links are checked against the underlay when the run starts. */
  | { readonly kind: 'link-cut'; readonly a: number; readonly b: number; readonly atS: number; readonly durationS: number | undefined; readonly field: string }
  /** Farms by index in the grid spec's order, as world.net.partitionFarms takes them. */
  | { readonly kind: 'partition-farms'; readonly farms: readonly number[]; readonly atS: number; readonly durationS: number | undefined }
  | { readonly kind: 'planetary-root-loss'; readonly atS: number };

export type CompiledAction = Timed<ActionSpec>;
export type CompiledInvariant = Timed<InvariantSpec> & { readonly label: string };

export interface CompiledScenario {
  readonly name: string;
  readonly description: string;
  /** Where it came from (a file, or "builtin:NAME"), for messages. */
  readonly source: string;
  readonly seed: string | undefined;
  readonly grid: GridSpec;
  readonly nodeCount: number;
  readonly durationS: number;
  readonly convergeWithinS: number;
  readonly armDeviceFailures: boolean;
  readonly reconcile: boolean;
  readonly workload: readonly CompiledGroup[];
  readonly faults: readonly CompiledFault[];
  readonly actions: readonly CompiledAction[];
  readonly invariants: readonly CompiledInvariant[];
  /** Planetary probe traffic from t = 0; absent when the scenario asks for none. */
  readonly probes?: { readonly intervalS: number; readonly pairs: number };
  readonly report: readonly string[];
}
