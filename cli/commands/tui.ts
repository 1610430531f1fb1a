// `tui [SCENARIO]`: the Ink terminal UI — pick a scenario, watch it live, inject faults by key.
// Leaves out the simulation (scenarios/live.ts) and drawing (cli/tui/); this only wires them to the terminal.

import { InputError } from '../../sim/errors.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { TuiController } from '../tui/controller.js';

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
  async run(args) {
    // Keys need raw mode, which only a terminal has; without one the UI could never be quit by key.
    if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) throw new InputError('command line', '', "'tui' needs a terminal (use 'run SCENARIO' headless)");
    const scenario = args.positionals[0];
    const seed = args.string('seed');
    const speedS = args.string('speed') === 'max' ? Infinity : args.number('speed', { min: 0.001 });
    const tickMs = args.number('tick', { min: 10, integer: true });
    const reportDir = args.string('out');
    // Loading (and so bad input) happens before Ink takes the terminal, so errors print plainly.
    const controller = new TuiController({
      ...(scenario === undefined ? {} : { scenario }),
      ...(seed === undefined ? {} : { seed }),
      ...(speedS === undefined ? {} : { speedS }),
      ...(tickMs === undefined ? {} : { tickMs }),
      ...(reportDir === undefined ? {} : { reportDir }),
      record: !args.boolean('no-record'),
    });
    // React's development build records every commit for devtools and cost several times the
    // simulation's own time per frame at 10,000 nodes; it picks its build when first loaded, so
    // React and Ink load here, after the choice, and only for this command.
    process.env['NODE_ENV'] ??= 'production';
    const [{ createElement }, { render }, { App }] = await Promise.all([import('react'), import('ink'), import('../tui/app.js')]);
    controller.startTimer();
    const app = render(createElement(App, { controller }), { exitOnCtrlC: true });
    try {
      await app.waitUntilExit();
    } finally {
      controller.stop();
    }
    return ExitCode.ok;
  },
};
