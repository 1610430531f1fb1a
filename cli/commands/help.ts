// `help [COMMAND [SUBCOMMAND]]`: the command list, or one command's usage, flags and subcommands.
// Leaves out man pages and per-flag examples; usage lines and one-line summaries are the contract.

import { globalFlags, type FlagSpecs } from '../args.js';
import { findCommand, type Command } from '../command.js';

const program = 'zos-testbed';

export const help: Command = {
  name: 'help',
  summary: 'list the commands, or show how to use one',
  usage: 'help [COMMAND [SUBCOMMAND]]',
  maxPositionals: 8,
  async run(args, { out, commands }) {
    if (args.positionals.length === 0) {
      out.result({ commands: commands.map(describe) }, () => overview(commands));
      return 0;
    }
    let command = findCommand(commands, args.positionals[0]!, '');
    let path = command.name;
    for (const word of args.positionals.slice(1)) {
      command = findCommand(command.subcommands ?? [], word, path);
      path = `${path} ${command.name}`;
    }
    const found = command;
    out.result({ ...describe(found), flags: flagsOf(found) }, () => commandHelp(found));
    return 0;
  },
};

/** The top-level help: every command with its summary, and the exit codes scripts rely on. */
export function overview(commands: readonly Command[]): string {
  return [
    `${program}: job scheduler and deterministic testbed for the Zero-OS primitives of the ThreeFold Grid`,
    '',
    `Usage: ${program} COMMAND [ARGUMENTS] [--json]`,
    '',
    'Commands:',
    ...columns(commands.map((c) => [c.name, c.summary])),
    '',
    `Run '${program} help COMMAND' for its flags.`,
    'Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 a safety invariant broke, 4 a liveness check failed.',
  ].join('\n');
}

/** One command's usage, summary, subcommands and flags. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: ${program} ${command.usage}`, '', command.summary];
  if (command.subcommands !== undefined) {
    lines.push('', 'Subcommands:');
    lines.push(...(command.subcommands.length > 0 ? columns(command.subcommands.map((c) => [c.name, c.summary])) : ['  (none yet)']));
  }
  lines.push('', 'Flags:', ...columns(Object.entries(flagsOf(command)).map(([name, spec]) => [flagLabel(name, spec), spec.help])));
  return lines.join('\n');
}

function describe(command: Command): { name: string; summary: string; usage: string; subcommands?: string[] } {
  const { name, summary, usage, subcommands } = command;
  return subcommands === undefined ? { name, summary, usage } : { name, summary, usage, subcommands: subcommands.map((c) => c.name) };
}

function flagsOf(command: Command): FlagSpecs {
  return { ...command.flags, ...globalFlags };
}

function flagLabel(name: string, spec: FlagSpecs[string]): string {
  return spec.kind === 'value' ? `--${name} ${spec.valueName}` : `--${name}`;
}

/** Two aligned columns, indented, as help texts usually are. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
