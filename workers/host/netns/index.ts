// Nodes as hosts (issue 17): each node a network namespace on its farm's LAN, farms joined by links
// that faults take down. Public API, re-exported by name.

export { NetnsGrid, type NodeNamespace } from './grid.js';
export { NetnsLinks, type LinkRef, type LinkTarget } from './links.js';
export { netnsAvailable } from './available.js';
export { sweepDeadRuns } from './owner-state.js';
export { maxNodesPerFarm, namespacePrefix, ourNamespacePattern, runOfNamespace } from './names.js';
export { NamespaceRelay } from './relay.js';
export { NamespaceDialer } from './dialer.js';
