// `scenarios`: lists the built-in scenarios with their size and length.
// Leaves out running them (run.ts).

import { builtinScenarios, compileBuiltin } from '../../scenarios/builtin/index.js';
import { formatDuration } from '../../scenarios/duration.js';
import type { Command } from '../command.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `scenarios`; its flags and usage are in cli/commands/scenarios.ts. */
export async function listScenarios(_args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const list = builtinScenarios.map((s) => {
    const c = compileBuiltin(s);
    return { name: c.name, description: c.description, nodes: c.nodeCount, duration: c.durationS };
  });
  const width = Math.max(...list.map((s) => s.name.length));
  out.result(list, () => list.map((s) => `${s.name.padEnd(width)}  ${String(s.nodes).padStart(6)} nodes  ${formatDuration(s.duration).padStart(6)}  ${s.description}`).join('\n'));
  return 0;
}
