// `tui [SCENARIO]`: the Ink terminal UI — pick a scenario, watch it live, inject faults by key.
// Leaves out the simulation (scenarios/live.ts) and drawing (cli/tui/); this only wires them to the terminal.

import { InputError } from '../../sim/errors.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { TuiController } from '../tui/controller.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `tui`; its flags and usage are in cli/commands/tui.ts. */
export async function runTui(args: Args, _context: CommandContext): Promise<number> {
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
  // Keys need raw mode, which only a terminal has; without one the UI could never be quit by key.
  // Checked after the arguments and the scenario, so that their mistakes are named first.
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) throw new InputError('command line', '', "'tui' needs a terminal (use 'run SCENARIO' headless)");
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
}
