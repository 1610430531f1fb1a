// The fixed order in which a zos node installs a deployment's workloads (DOMAIN.md 2.4, startup order);
// deprovision and pause walk it backwards. Leaves out dependency resolution: zos has none beyond this order.

import type { Workload, WorkloadType } from '../deployment.js';

/** zos's startup order, plus our zdisk; the types after `zlogs` are "remaining" and zos leaves their order open. */
export const installOrder: readonly WorkloadType[] = [
  'zmount',
  'volume',
  'qsfs',
  // Ours, not zos: with the disks, so it is ready before a zmachine that mounts it (and removed after).
  'zdisk',
  'network',
  'ipv4',
  'ip',
  'zmachine',
  'zlogs',
  'zdb',
  'gateway-name-proxy',
  'gateway-fqdn-proxy',
];

const rankOf = new Map<WorkloadType, number>(installOrder.map((type, rank) => [type, rank]));

/** Types whose workloads may change in an update; every other type is rejected ("does not support upgrade"). */
export const updatableTypes: ReadonlySet<WorkloadType> = new Set<WorkloadType>(['zmount', 'volume', 'network', 'zdb', 'qsfs', 'zdisk']);

/**
 * Workloads sorted into install order. The sort is stable, so workloads of one type keep their
 * document order: zos leaves that open, and a simulation must not (determinism).
 */
export function inInstallOrder<T>(items: Iterable<T>, typeOf: (item: T) => WorkloadType = workloadType): T[] {
  return [...items].sort((a, b) => rankOf.get(typeOf(a))! - rankOf.get(typeOf(b))!);
}

/** Deprovision and pause order: install order reversed, so a VM goes before the disks it mounts. */
export function inRemovalOrder<T>(items: Iterable<T>, typeOf: (item: T) => WorkloadType = workloadType): T[] {
  return inInstallOrder(items, typeOf).reverse();
}

/** The default key: the item is a workload, or something shaped like one. */
function workloadType(item: unknown): WorkloadType {
  return (item as Pick<Workload, 'type'>).type;
}
