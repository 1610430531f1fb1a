// The strict flag parser: every accepted spelling, and every mistake named by its flag.
// Leaves out dispatching and exit statuses, which test/cli/main.test.ts covers.

import test, { type ExecutionContext } from 'ava';
import { Args, parseNumber, type FlagSpecs } from '../../cli/args.js';
import { InputError } from '../../sim/errors.js';

const flags: FlagSpecs = {
  seed: { kind: 'value', valueName: 'N', help: 'seed' },
  nodes: { kind: 'value', valueName: 'N', help: 'node count' },
  backend: { kind: 'value', valueName: 'KIND', help: 'sim or host' },
  verbose: { kind: 'boolean', help: 'say more' },
};

const parse = (argv: string[], maxPositionals = 2) => Args.parse('run', argv, flags, maxPositionals);

/** Asserts bad input whose message names `field`, and returns the message for further checks. */
function rejects(t: ExecutionContext, fn: () => unknown, field: string): string {
  const error = t.throws(fn, { instanceOf: InputError });
  t.is(error?.field, field);
  t.true(error?.message.startsWith(`command line: ${field ? `field ${field}: ` : ''}`), error?.message);
  return error?.message ?? '';
}

test('values as --flag value and --flag=value, switches, positionals and --', (t) => {
  const args = parse(['--seed', '42', 'mm1', '--nodes=1_000', '--verbose', '--', '--not-a-flag']);
  t.is(args.number('seed', { integer: true }), 42);
  t.is(args.number('nodes', { integer: true, min: 1 }), 1000);
  t.true(args.boolean('verbose'));
  t.false(args.json);
  t.deepEqual(args.positionals, ['mm1', '--not-a-flag']);
  t.is(args.positional(0, 'SCENARIO'), 'mm1');
});

test('absent flags give undefined or the fallback, and negative numbers are values', (t) => {
  const args = parse(['--seed', '-7']);
  t.is(args.number('seed'), -7);
  t.is(args.number('nodes'), undefined);
  t.is(args.number('nodes', { default: 3 }), 3);
  t.is(args.string('backend'), undefined);
  t.is(args.string('backend', 'sim'), 'sim');
  t.is(args.oneOf('backend', ['sim', 'host'] as const, 'sim'), 'sim');
  t.false(args.boolean('verbose'));
  t.false(args.has('nodes'));
});

test('unknown flags, short flags and missing values name the flag', (t) => {
  t.regex(rejects(t, () => parse(['--bogus']), '--bogus'), /unknown flag for 'run' \(valid: .*--seed/);
  rejects(t, () => parse(['-s']), '-s');
  rejects(t, () => parse(['--constructor']), '--constructor');
  t.regex(rejects(t, () => parse(['--seed']), '--seed'), /needs a value \(N\)/);
  rejects(t, () => parse(['--seed', '--verbose']), '--seed');
  rejects(t, () => parse(['--verbose=yes']), '--verbose');
  rejects(t, () => parse(['--seed', '1', '--seed', '2']), '--seed');
});

test('numbers are checked for form, integrality and range', (t) => {
  t.regex(rejects(t, () => parse(['--seed', 'abc']).number('seed'), '--seed'), /must be a number, got 'abc'/);
  rejects(t, () => parse(['--seed', '0x10']).number('seed'), '--seed');
  rejects(t, () => parse(['--seed', '']).number('seed'), '--seed');
  rejects(t, () => parse(['--seed', '1e999']).number('seed'), '--seed');
  t.regex(rejects(t, () => parse(['--nodes', '2.5']).number('nodes', { integer: true }), '--nodes'), /must be an integer/);
  t.regex(rejects(t, () => parse(['--nodes', '0']).number('nodes', { min: 1 }), '--nodes'), /at least 1/);
  t.regex(rejects(t, () => parse(['--nodes=101']).number('nodes', { max: 100 }), '--nodes'), /at most 100/);
  t.is(parseNumber('--rate', '2.5e3', { min: 0 }), 2500);
  t.is(parseNumber('--rate', '.5'), 0.5);
});

test('required flags, choices and positionals report what is missing or wrong', (t) => {
  t.regex(rejects(t, () => parse([]).required('backend'), '--backend'), /is required by 'run'/);
  rejects(t, () => parse([]).number('nodes', { required: true }), '--nodes');
  t.regex(rejects(t, () => parse(['--backend', 'vm']).oneOf('backend', ['sim', 'host']), '--backend'), /one of sim, host, got 'vm'/);
  rejects(t, () => parse([]).positional(0, 'SCENARIO'), 'SCENARIO');
  t.regex(rejects(t, () => parse(['a', 'b', 'c']), ''), /unexpected argument for 'run': c/);
});

test('reading an undeclared flag is a programmer error, not bad input', (t) => {
  const error = t.throws(() => parse([]).string('nope'));
  t.false(error instanceof InputError);
  t.throws(() => parse([]).boolean('seed'), { message: /declared it value/ });
});
