// The demo's defaults, apart from the demos themselves so that the CLI's help can show them without
// loading the simulator.

/** A hundred nodes, a farm cut off for two hours, every deployment back ok: about a second of wall time. */
export const defaultDemoScenario = 'farm-partition';
/** Where `demo` writes report.html and the CSV files. */
export const defaultDemoOut = 'out/demo';

/** Nodes, simulated seconds and operations per second over the grid of `demo --hardware`. */
export const demoDefaults = { nodes: 12, durationS: 3600, opsPerS: 10 } as const;
