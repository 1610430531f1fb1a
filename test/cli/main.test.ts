// The command line end to end: dispatch, help, and exit statuses, in-process and as a real child process.
// Leaves out the individual commands' work; each command's own tests cover that.

import test from 'ava';
import { commands } from '../../cli/commands.js';
import { defineGroup, type Command } from '../../cli/command.js';
import { ExitCode, exitCodeFor } from '../../cli/exit-codes.js';
import { runCli } from '../../cli/main.js';
import { CheckFailedError, InputError, SimulationError } from '../../sim/errors.js';
import { cli } from '../helpers/cli.js';



/** Runs the dispatcher in-process against buffers, optionally with a test table. */
async function inProcess(argv: string[], table?: readonly Command[]) {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const code = await runCli(argv, streams, table);
  return { code, stdout, stderr };
}

const noStack = /\n\s+at /;

test('an unknown command exits 2, lists the valid ones, and prints no stack trace', async (t) => {
  const { code, stdout, stderr } = await cli('no-such-command');
  t.is(code, 2);
  t.is(stdout, '');
  t.regex(stderr, /^zos-testbed: .*unknown command 'no-such-command' \(valid: demo, run, scenarios, swarm, tui, sweep, plan, apply, worker, dashboard, zdb, flist, hub, validate, bench, help, version\)/);
  t.notRegex(stderr, noStack);
});

test('help and --help exit 0 and list every command', async (t) => {
  for (const argv of [['help'], ['--help']]) {
    const { code, stdout } = await cli(...argv);
    t.is(code, 0);
    for (const command of commands) t.regex(stdout, new RegExp(`^  ${command.name} `, 'm'));
  }
});

test('a bad flag exits 2 and names the flag, without a stack trace', async (t) => {
  const { code, stderr } = await cli('version', '--bogus');
  t.is(code, 2);
  t.regex(stderr, /^zos-testbed: command line: field --bogus: unknown flag/);
  t.notRegex(stderr, noStack);
});

test('help COMMAND works for every command in the table, including groups', async (t) => {
  t.is(new Set(commands.map((c) => c.name)).size, commands.length, 'command names are unique');
  for (const command of commands) {
    const { code, stdout } = await inProcess(['help', command.name]);
    t.is(code, 0);
    t.true(stdout.startsWith(`Usage: zos-testbed ${command.name}`), stdout);
  }
  const validate = await inProcess(['help', 'validate']);
  t.regex(validate.stdout, /Subcommands:/);
});

test('version --json prints one JSON document on stdout', async (t) => {
  const { code, stdout } = await inProcess(['version', '--json']);
  t.is(code, 0);
  t.like(JSON.parse(stdout), { name: 'zos-testbed' });
});

test('no command at all is bad input, answered with the command list on stderr', async (t) => {
  const { code, stdout, stderr } = await inProcess([]);
  t.is(code, ExitCode.badInput);
  t.is(stdout, '');
  t.regex(stderr, /Commands:/);
});

const throwing = (name: string, error: unknown): Command => ({
  name,
  summary: 'throws',
  usage: name,
  async run() {
    throw error;
  },
});

test('errors map to exit statuses in one place; only bugs print a stack', async (t) => {
  const table = [
    throwing('check', new CheckFailedError('mm1 mean wait off by 12%')),
    throwing('input', new InputError('scenario.json', 'nodes', 'must be > 0')),
    throwing('bug', new TypeError('x is undefined')),
    throwing('assert', new SimulationError('event in the past')),
    { name: 'safety', summary: 'returns 3', usage: 'safety', run: async () => ExitCode.safety },
  ];
  const check = await inProcess(['check'], table);
  t.is(check.code, 1);
  t.is(check.stderr, 'zos-testbed: mm1 mean wait off by 12%\n');
  const input = await inProcess(['input'], table);
  t.is(input.code, 2);
  t.regex(input.stderr, /^zos-testbed: scenario.json: field nodes: must be > 0\n/);
  t.notRegex(input.stderr, noStack);
  const bug = await inProcess(['bug'], table);
  t.is(bug.code, 70);
  t.regex(bug.stderr, /internal error[^]*TypeError: x is undefined\n\s+at /);
  t.is((await inProcess(['assert'], table)).code, 70);
  t.is((await inProcess(['safety'], table)).code, 3);
  t.is(exitCodeFor('a thrown string'), ExitCode.internal);
});

test('subcommands dispatch through a group, and a bare group is bad input', async (t) => {
  let ran = '';
  const leaf: Command = {
    name: 'mm1',
    summary: 'M/M/1',
    usage: 'validate mm1 [--seed N]',
    flags: { seed: { kind: 'value', valueName: 'N', help: 'seed' } },
    async run(args) {
      ran = `${args.command} ${args.number('seed')}`;
      return 0;
    },
  };
  const table = [defineGroup({ name: 'validate', summary: 'checks', subcommands: [leaf] })];
  t.is((await inProcess(['validate', 'mm1', '--seed', '7'], table)).code, 0);
  t.is(ran, 'validate mm1 7');
  const bare = await inProcess(['validate'], table);
  t.is(bare.code, 2);
  t.regex(bare.stderr, /needs a subcommand \(one of mm1\)/);
  t.regex((await inProcess(['validate', 'mm1', '--help'], table)).stdout, /^Usage: zos-testbed validate mm1 \[--seed N\][^]*--seed N/);
});
