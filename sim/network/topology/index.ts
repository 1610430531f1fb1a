// The underlay topology's public API, re-exported by name: the CSR graph, loaders and shortest paths.
// Leaves out the parsers' internals (tag scanning, junction placement).

export { fibreLatencyS, greatCircleKm, minLinkLatencyS } from './geo.js';
export { buildTopology, components, cutPoints, defaultLinkLatencyS, findEdge, largestComponent, type EdgeListInput, type Topology } from './graph.js';
export { parseGraphml } from './graphml.js';
export { loadTopology, parseTopology } from './load.js';
export { MinHeap, ShortestPaths } from './shortest-paths.js';
export { parseSnapEdgeList } from './snap.js';
