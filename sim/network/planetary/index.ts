// The Planetary Network overlay's public API, re-exported by name.
// Leaves out internals (tree growth, key drawing) that only the overlay itself uses.

export { RouteStatus, routeGreedy, treeDistance, type RouteResult, type RoutingView } from './greedy.js';
export { PlanetaryOverlay, type PlanetaryOptions, type Reconvergence } from './overlay.js';
export { Sessions, type SendResult } from './sessions.js';
export { failureKinds, measureReconvergence, type FailureKind, type ReconvergenceReport } from './reconvergence.js';
export { measureStretch, routingState, type StretchOptions, type StretchReport } from './stretch.js';
export { compileTimers, ironwoodTimers, type PlanetaryTimers } from './timers.js';
