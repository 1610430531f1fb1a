// The host backend's public API, re-exported by name: the Backend port on real processes of this host.

export { HostBackend } from './host-backend.js';
export type { HostFaults } from './faults.js';
export type { HostBackendOptions } from './options.js';
export { notSupportedCode } from './network-ops.js';
export type { ZdbMode } from './zdb-runner.js';
