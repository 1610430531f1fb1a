// `tui [SCENARIO]`: the Ink terminal UI — pick a scenario, watch it live, inject faults by key.
// Leaves out the simulation (scenarios/live.ts) and drawing (cli/tui/); this only wires them to the terminal.
// This is its spec (usage, flags); the work is in cli/actions/tui.ts, loaded only when it runs.

import type { Command } from '../command.js';

export const tui: Command = {
  name: 'tui',
  summary: 'the terminal UI: pick a scenario, watch the grid live, inject faults by key',
  usage: 'tui [SCENARIO] [--seed S] [--speed SECONDS|max] [--tick MS] [--out DIR] [--no-record]',
  maxPositionals: 1,
  flags: {
    seed: { kind: 'value', valueName: 'S', help: "seed; the same seed and keys replay the same run (default: the scenario's, else 1)" },
    speed: { kind: 'value', valueName: 'SECONDS', help: "virtual seconds per tick to start with, or 'max' (default 60; +/- change it)" },
    tick: { kind: 'value', valueName: 'MS', help: 'wall milliseconds between ticks (default 100)' },
    out: { kind: 'value', valueName: 'DIR', help: 'where w writes the report (default ./tui-report-SCENARIO)' },
    'no-record': { kind: 'boolean', help: 'do not record for a report (w): the simulation runs faster at 10,000 nodes' },
  },
  run: (args, context) => import('../actions/tui.js').then((m) => m.runTui(args, context)),
};
