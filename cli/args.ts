// A small strict command-line parser: declared flags only, typed getters that validate once.
// Leaves out short-flag bundles (-abc), --no-x negation and config files; commands do not need them.

import { InputError } from '../sim/errors.js';

/** How a command declares one flag: a switch, or a flag that takes one value (`--seed 42`, `--seed=42`). */
export type FlagSpec =
  | { readonly kind: 'boolean'; readonly help: string }
  | { readonly kind: 'value'; readonly valueName: string; readonly help: string };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** Flags every command accepts; main handles --help itself, and commands that report honour --json. */
export const globalFlags: FlagSpecs = {
  help: { kind: 'boolean', help: 'show help for this command' },
  json: { kind: 'boolean', help: 'print one JSON document on stdout instead of a summary' },
};

const where = 'command line';

/** Parsed arguments of one command. Getters validate and throw InputError naming the flag. */
export class Args {
  private constructor(
    /** The command's full name, like `validate mm1`, for messages. */
    readonly command: string,
    private readonly specs: FlagSpecs,
    private readonly values: ReadonlyMap<string, string | true>,
    readonly positionals: readonly string[],
  ) {}

  /**
   * Parses `argv` (the words after the command name) against the declared flags plus the global ones.
   * `maxPositionals` bounds the plain words; extra ones are a mistake worth reporting, not ignoring.
   */
  static parse(command: string, argv: readonly string[], flags: FlagSpecs = {}, maxPositionals = 0): Args {
    const specs: FlagSpecs = { ...globalFlags, ...flags };
    const values = new Map<string, string | true>();
    const positionals: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const word = argv[i]!;
      if (word === '--') {
        positionals.push(...argv.slice(i + 1));
        break;
      }
      if (!isFlag(word)) {
        positionals.push(word);
        continue;
      }
      if (!word.startsWith('--') && word !== '-h') {
        throw new InputError(where, word, `unknown flag for '${command}': only -h has a short form (valid: ${flagList(specs)})`);
      }
      const { name, inline } = splitFlag(word);
      const spec = ownSpec(specs, name);
      if (spec === undefined) throw new InputError(where, `--${name}`, `unknown flag for '${command}' (valid: ${flagList(specs)})`);
      if (values.has(name)) throw new InputError(where, `--${name}`, 'given more than once');
      if (spec.kind === 'boolean') {
        if (inline !== undefined) throw new InputError(where, `--${name}`, 'is a switch and takes no value');
        values.set(name, true);
        continue;
      }
      const value = inline ?? argv[i + 1];
      // A following flag is almost always a forgotten value, not a value that starts with dashes.
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new InputError(where, `--${name}`, `needs a value (${spec.valueName})`);
      }
      if (inline === undefined) i++;
      values.set(name, value);
    }
    if (positionals.length > maxPositionals) {
      const extra = positionals.slice(maxPositionals).join(' ');
      throw new InputError(where, '', `unexpected argument${positionals.length - maxPositionals > 1 ? 's' : ''} for '${command}': ${extra}`);
    }
    return new Args(command, specs, values, positionals);
  }

  /** Whether --json was given: the command then prints one JSON document on stdout. */
  get json(): boolean {
    return this.boolean('json');
  }

  /** Whether a flag (of either kind) was given at all. */
  has(name: string): boolean {
    this.spec(name);
    return this.values.has(name);
  }

  boolean(name: string): boolean {
    this.spec(name, 'boolean');
    return this.values.has(name);
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    this.spec(name, 'value');
    const value = this.values.get(name);
    return typeof value === 'string' ? value : fallback;
  }

  /** The value of a flag that must be given. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new InputError(where, `--${name}`, `is required by '${this.command}'`);
    return value;
  }

  number(name: string, rule?: NumberRule): number | undefined;
  number(name: string, rule: NumberRule & { readonly default: number }): number;
  number(name: string, rule: NumberRule & { readonly required: true }): number;
  number(name: string, rule: NumberRule & { readonly default?: number; readonly required?: boolean } = {}): number | undefined {
    const text = rule.required === true ? this.required(name) : this.string(name);
    return text === undefined ? rule.default : parseNumber(`--${name}`, text, rule);
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T | undefined;
  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const value = this.string(name);
    if (value === undefined) return fallback;
    return checkChoice(`--${name}`, value, choices);
  }

  /** A positional argument that must be present; `label` names it in the message (`SCENARIO`). */
  positional(index: number, label: string): string {
    const value = this.positionals[index];
    if (value === undefined) throw new InputError(where, label, `is missing (usage: ${this.command} … ${label})`);
    return value;
  }

  /** Asking for a flag the command never declared is a bug in the command, not the user's mistake. */
  private spec(name: string, kind?: FlagSpec['kind']): FlagSpec {
    const spec = ownSpec(this.specs, name);
    if (spec === undefined) throw new Error(`command '${this.command}' reads undeclared flag --${name}`);
    if (kind !== undefined && spec.kind !== kind) throw new Error(`command '${this.command}' reads --${name} as ${kind}, but declared it ${spec.kind}`);
    return spec;
  }
}

// Digits with optional sign, decimals, exponent and `_` separators (100_000 nodes reads better).
const numberPattern = /^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/;

/** Parses and checks one number; `field` names it in the error (`--seed`, `NODES`). */
export function parseNumber(field: string, text: string, rule: NumberRule = {}): number {
  if (!numberPattern.test(text)) throw new InputError(where, field, `must be a number, got '${text}'`);
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value)) throw new InputError(where, field, `must be a finite number, got '${text}'`);
  if (rule.integer === true && !Number.isSafeInteger(value)) throw new InputError(where, field, `must be an integer, got '${text}'`);
  if (rule.min !== undefined && value < rule.min) throw new InputError(where, field, `must be at least ${rule.min}, got ${text}`);
  if (rule.max !== undefined && value > rule.max) throw new InputError(where, field, `must be at most ${rule.max}, got ${text}`);
  return value;
}

/** Checks a word against a fixed set of choices. */
export function checkChoice<T extends string>(field: string, value: string, choices: readonly T[]): T {
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) throw new InputError(where, field, `must be one of ${choices.join(', ')}, got '${value}'`);
  return choice;
}

// `-5` and `-.5` are values (negative numbers), not flags; `-` alone conventionally means stdin.
function isFlag(word: string): boolean {
  return word.startsWith('-') && word !== '-' && !/^-[\d.]/.test(word);
}

function splitFlag(word: string): { name: string; inline?: string } {
  // The one short flag is -h, the universal spelling of --help.
  if (word === '-h') return { name: 'help' };
  const body = word.slice(2);
  const equals = body.indexOf('=');
  return equals === -1 ? { name: body } : { name: body.slice(0, equals), inline: body.slice(equals + 1) };
}

// Own keys only: `--constructor` must be an unknown flag, not Object.prototype's.
function ownSpec(specs: FlagSpecs, name: string): FlagSpec | undefined {
  return Object.hasOwn(specs, name) ? specs[name] : undefined;
}

function flagList(specs: FlagSpecs): string {
  return Object.keys(specs)
    .map((name) => `--${name}`)
    .join(', ');
}
