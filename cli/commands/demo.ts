// `demo`: the README's first command: runs a small built-in failure scenario end to end and writes
// its report, saying where. `--hardware` keeps the older device-level demo (scenarios/demo.ts).
// This is its spec (usage, flags); the work is in cli/actions/demo.ts, loaded only when it runs.

import type { Command } from '../command.js';
import { defaultDemoOut, defaultDemoScenario, demoDefaults } from '../../scenarios/demo-defaults.js';

export const demo: Command = {
  name: 'demo',
  summary: `run a small failure scenario (default ${defaultDemoScenario}) end to end and write its report to ${defaultDemoOut}`,
  usage: 'demo [SCENARIO] [--seed S] [--out DIR] [--json] | demo --hardware [--seed S] [--nodes N] [--until SECONDS] [--ops-per-s R]',
  maxPositionals: 1,
  flags: {
    seed: { kind: 'value', valueName: 'S', help: "seed; the same seed replays the same run (default: the scenario's, else 1)" },
    out: { kind: 'value', valueName: 'DIR', help: `where report.html and the CSV files go (default ${defaultDemoOut})` },
    hardware: { kind: 'boolean', help: 'instead: the device-level demo (IO, CPU, transfers, node failures), no report files' },
    nodes: { kind: 'value', valueName: 'N', help: `--hardware: nodes (default ${demoDefaults.nodes})` },
    until: { kind: 'value', valueName: 'SECONDS', help: `--hardware: simulated seconds (default ${demoDefaults.durationS})` },
    'ops-per-s': { kind: 'value', valueName: 'R', help: `--hardware: operations per second over the grid (default ${demoDefaults.opsPerS})` },
  },
  run: (args, context) => import('../actions/demo.js').then((m) => m.runDemoCommand(args, context)),
};
