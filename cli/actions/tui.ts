// `tui [SCENARIO]`: the Ink terminal UI — pick a scenario, watch it live, inject faults by key.
// Leaves out the simulation (scenarios/live.ts) and drawing (cli/tui/); this only wires them to the
// terminal, and ends them on SIGTERM or SIGINT with 143 or 130 as `run` does.

import { InputError } from '../../sim/errors.js';
import { ExitCode, signalExitCode } from '../exit-codes.js';
import { watchStopSignals } from '../stop-signal.js';
import { loadScenario } from '../../scenarios/load.js';
import { TuiController, type ControllerOptions } from '../tui/controller.js';
import { scenarioTransport } from './scenario-transport.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `tui`; its flags and usage are in cli/commands/tui.ts. */
export async function runTui(args: Args, _context: CommandContext): Promise<number> {
  const options = await controllerOptions(args);
  // Keys need raw mode, which only a terminal has; without one the UI could never be quit by key.
  // Checked after the arguments and the scenario, so that their mistakes are named first.
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) throw new InputError('command line', '', "'tui' needs a terminal (use 'run SCENARIO' headless)");
  const controller = new TuiController(options);
  // React's development build records every commit for devtools and cost several times the
  // simulation's own time per frame at 10,000 nodes; it picks its build when first loaded, so
  // React and Ink load here, after the choice, and only for this command.
  process.env['NODE_ENV'] ??= 'production';
  const [{ createElement }, { render }, { App }] = await Promise.all([import('react'), import('ink'), import('../tui/app.js')]);
  controller.startTimer();
  const app = render(createElement(App, { controller }), { exitOnCtrlC: true });
  // A signal from outside (not Ctrl-C typed into the UI, which is a key in raw mode) ends the UI as q
  // does: Ink gives the terminal back, the run's transport closes, and the status says which signal.
  const watch = watchStopSignals(() => app.unmount());
  try {
    await app.waitUntilExit();
    await controller.close();
  } finally {
    watch.dispose();
    controller.stop();
  }
  const signal = watch.received();
  if (signal !== undefined) return signalExitCode(signal);
  if (controller.failure !== undefined) throw controller.failure;
  return ExitCode.ok;
}

/** Every flag read and the scenario loaded, so that bad input is named before anything opens. */
async function controllerOptions(args: Args): Promise<ControllerOptions> {
  const name = args.positionals[0];
  const scenario = name === undefined ? undefined : loadScenario(name);
  const seed = args.string('seed');
  const speedS = args.string('speed') === 'max' ? Infinity : args.number('speed', { min: 0.001 });
  const tickMs = args.number('tick', { min: 10, integer: true });
  const reportDir = args.string('out');
  const run = await scenarioTransport(args);
  return {
    ...(scenario === undefined ? {} : { scenario }),
    ...(seed === undefined ? {} : { seed }),
    ...(speedS === undefined ? {} : { speedS }),
    ...(tickMs === undefined ? {} : { tickMs }),
    ...(reportDir === undefined ? {} : { reportDir }),
    paused: args.boolean('paused'),
    record: !args.boolean('no-record'),
    run,
  };
}
