// The entry point of `zos-testbed`: finds the command named on the command line, runs it, and turns
// whatever it returns or throws into an exit status. Leaves out every command's own logic.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../sim/errors.js';
import { Args } from './args.js';
import { resolveCommand, type Command } from './command.js';
import { commands } from './commands.js';
import { commandHelp, overview } from './commands/help.js';
import { ExitCode, reportError } from './exit-codes.js';
import { Output, type Streams } from './output.js';

const processStreams: Streams = { stdout: process.stdout, stderr: process.stderr };

/** Runs one command line and returns its exit status; never throws. Tests call it with buffers. */
export async function runCli(argv: readonly string[], streams: Streams = processStreams, table: readonly Command[] = commands): Promise<number> {
  let topic = '';
  try {
    const [first] = argv;
    if (first === undefined) {
      // No command is a mistake, but the list of commands is the most useful answer to it.
      streams.stderr.write(overview(table) + '\n');
      return ExitCode.badInput;
    }
    if (first === '--help' || first === '-h') return printed(streams, overview(table));
    if (first === '--version') return await runCli(['version', ...argv.slice(1)], streams, table);
    if (first.startsWith('-')) throw new InputError('command line', first, 'flags go after the command name');
    // Bad input inside a known command points at that command's help; help's own mistakes at the list.
    topic = first !== 'help' && table.some((command) => command.name === first) ? first : '';
    const { command, path, rest } = resolveCommand(table, argv);
    topic = path === 'help' ? '' : path;
    if (asksForHelp(rest)) return printed(streams, commandHelp(command));
    const args = Args.parse(path, rest, command.flags, command.maxPositionals ?? 0);
    return await command.run(args, { out: new Output(streams, args.json), commands: table, words: rest });
  } catch (error) {
    return reportError(error, streams.stderr, topic);
  }
}

/** --help anywhere before `--` wins over everything else, even over flags that would not parse. */
function asksForHelp(words: readonly string[]): boolean {
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).some((word) => word === '--help' || word === '-h');
}

function printed(streams: Streams, text: string): number {
  streams.stdout.write(text + '\n');
  return ExitCode.ok;
}

/** True when this file is the program (`tsx cli/main.ts`), false when imported (bin/, tests). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

/** Runs the process's own command line: the body of `tsx cli/main.ts` and of bin/zos-testbed.js. */
export async function main(): Promise<void> {
  // `zos-testbed … | head` closes stdout early; that is the reader's choice, not an error to report.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // exitCode rather than process.exit(), so that buffered output is flushed before the process ends.
  process.exitCode = await runCli(process.argv.slice(2));
}

if (isEntryPoint()) await main();
