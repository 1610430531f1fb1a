// What a command is, and how the words of a command line find one in a table or a group's sub-table.
// Leaves out parsing flags (args.ts), printing (output.ts), exit statuses (exit-codes.ts) and the table (commands.ts).

import { InputError } from '../sim/errors.js';
import type { Args, FlagSpecs } from './args.js';
import type { Output } from './output.js';

/** What a running command may use besides its arguments. */
export interface CommandContext {
  readonly out: Output;
  /** The whole command table, for commands that describe the others (help). */
  readonly commands: readonly Command[];
  /** The words after the command's name, as typed: for commands that hand them on to a child process. */
  readonly words: readonly string[];
}

export interface Command {
  /** One word, as typed: `run`, `validate`, `mm1`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What follows the program name, like `run SCENARIO [--seed N] [--json]`. */
  readonly usage: string;
  /** Flags besides the global --help and --json; undeclared flags are rejected as bad input. */
  readonly flags?: FlagSpecs;
  /** How many plain words the command takes; more is bad input. Default 0. */
  readonly maxPositionals?: number;
  /** A group's sub-table (`validate mm1`); the group's own run() handles a missing subcommand. */
  readonly subcommands?: readonly Command[];
  /** Does the work and returns the exit status; throws ZosError subclasses for the mapped failures. */
  run(args: Args, context: CommandContext): Promise<number>;
}

/** A command found from the words of a command line, and the words left for its flags. */
export interface Resolved {
  readonly command: Command;
  /** The full name, like `validate mm1`. */
  readonly path: string;
  readonly rest: readonly string[];
}

/** Walks `argv` down the table and into sub-tables for as long as the words name subcommands. */
export function resolveCommand(table: readonly Command[], argv: readonly string[]): Resolved {
  const [first = '', ...words] = argv;
  let command = findCommand(table, first, '');
  let path = command.name;
  while (command.subcommands !== undefined && words[0] !== undefined && !words[0].startsWith('-')) {
    command = findCommand(command.subcommands, words.shift()!, path);
    path = `${path} ${command.name}`;
  }
  return { command, path, rest: words };
}

/** The command called `name`, or bad input that lists the valid names so the user can pick one. */
export function findCommand(table: readonly Command[], name: string, parent: string): Command {
  const command = table.find((candidate) => candidate.name === name);
  if (command !== undefined) return command;
  const full = parent ? `${parent} ${name}` : name;
  const valid = table.length > 0 ? `valid: ${table.map((c) => c.name).join(', ')}` : `'${parent}' has no subcommands yet`;
  throw new InputError('command line', '', `unknown command '${full}' (${valid})`);
}

/** A command that only dispatches to its sub-table, like `validate`. */
export function defineGroup(group: { name: string; summary: string; subcommands: readonly Command[] }): Command {
  const { name, summary, subcommands } = group;
  return {
    name,
    summary,
    usage: `${name} ${subcommands.length > 0 ? subcommands.map((c) => c.name).join('|') : 'SUBCOMMAND'} …`,
    subcommands,
    async run() {
      const valid = subcommands.length > 0 ? `one of ${subcommands.map((c) => c.name).join(', ')}` : 'none exist yet';
      throw new InputError('command line', '', `'${name}' needs a subcommand (${valid})`);
    },
  };
}
