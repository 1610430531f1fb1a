// The host zmachine's public API, re-exported by name: the manager, its spec and status types, and the
// pieces a HostBackend or a smoke run may want (isolation probe, cgroup limiter, minimal root builder).

export { createMachineCgroup, type CgroupKind, type CgroupLimits, type CgroupRoots, type MachineCgroup } from './cgroup.js';
export type { CorexProcessView } from './corex.js';
export { HostZmachine, type HostZmachineOptions } from './host-zmachine.js';
export { probeIsolation, type Isolation, type IsolationMode } from './isolation.js';
export type { HostMachineState, HostMachineStatus } from './machine.js';
export { buildMinimalRoot, sharedLibraries } from './minimal-root.js';
export type { HostMachineSpec, HostMount } from './spec.js';
