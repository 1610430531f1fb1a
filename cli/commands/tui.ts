// `tui [SCENARIO]`: the Ink terminal UI — pick a scenario, watch it live, inject faults by key.
// Leaves out the simulation (scenarios/live.ts) and drawing (cli/tui/); this only wires them to the terminal.
// This is its spec (usage, flags); the work is in cli/actions/tui.ts, loaded only when it runs.

import type { Command } from '../command.js';
import { scenarioTransportFlags, scenarioTransportUsage } from './transport-flags.js';

export const tui: Command = {
  name: 'tui',
  summary: 'the terminal UI: pick a scenario, watch the grid live, inject faults by key at a cursor, watch it heal',
  usage: `tui [SCENARIO] [--seed S] [--speed SECONDS|max] [--tick MS] [--paused] [--out DIR] [--no-record] ${scenarioTransportUsage}`,
  maxPositionals: 1,
  flags: {
    seed: { kind: 'value', valueName: 'S', help: "seed; the same seed and keys replay the same run (default: the scenario's, else 1)" },
    speed: { kind: 'value', valueName: 'SECONDS', help: "virtual seconds per tick to start with, or 'max' (default 60; +/- change it)" },
    tick: { kind: 'value', valueName: 'MS', help: 'wall milliseconds between ticks (default 100)' },
    paused: { kind: 'boolean', help: 'start paused: space runs, s steps one tick' },
    out: { kind: 'value', valueName: 'DIR', help: 'where w writes the report (default ./tui-report-SCENARIO)' },
    'no-record': { kind: 'boolean', help: 'do not record for a report (w): the simulation runs faster at 10,000 nodes' },
    ...scenarioTransportFlags,
  },
  run: (args, context) => import('../actions/tui.js').then((m) => m.runTui(args, context)),
};
