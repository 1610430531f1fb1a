// The device-level demo's defaults, apart from the demo itself so that the CLI's help can show them
// without loading the hardware models.

/** Nodes, simulated seconds and operations per second over the grid of `demo --hardware`. */
export const demoDefaults = { nodes: 12, durationS: 3600, opsPerS: 10 } as const;
