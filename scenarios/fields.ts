// Reads one JSON object field by field, each getter checking type and range once and failing with the
// file and the field's full path. Leaves out the scenario's meaning, which compile.ts gives it.

import { parseDistribution, type Distribution } from '../sim/engine/distributions.js';
import { InputError } from '../sim/errors.js';
import { parseDuration } from './duration.js';

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export class Fields {
  readonly raw: Record<string, unknown>;

  constructor(readonly where: string, readonly path: string, value: unknown, known: readonly string[]) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail('', `must be an object, got ${JSON.stringify(value)}`);
    for (const key of Object.keys(value)) if (!known.includes(key)) this.fail(key, `is not a field (known: ${known.join(', ')})`);
    this.raw = value as Record<string, unknown>;
  }

  at(key: string): string {
    if (key === '') return this.path;
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  fail(key: string, problem: string): never {
    throw new InputError(this.where, this.at(key), problem);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  string(key: string): string;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string {
    const v = this.raw[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v === '') this.fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    const v = this.raw[key];
    const found = choices.find((c) => c === v);
    if (found === undefined) this.fail(key, `must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return found;
  }

  number(key: string, rule: NumberRule & { readonly default?: number } = {}): number {
    const v = this.raw[key];
    if (v === undefined && rule.default !== undefined) return rule.default;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, `must be a finite number, got ${JSON.stringify(v)}`);
    if (rule.integer === true && !Number.isSafeInteger(v)) this.fail(key, `must be an integer, got ${v}`);
    if (rule.min !== undefined && v < rule.min) this.fail(key, `must be >= ${rule.min}, got ${v}`);
    if (rule.max !== undefined && v > rule.max) this.fail(key, `must be <= ${rule.max}, got ${v}`);
    return v;
  }

  optionalNumber(key: string, rule: NumberRule = {}): number | undefined {
    return this.raw[key] === undefined ? undefined : this.number(key, rule);
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A duration in seconds (number or "15m"-style string), >= 0. */
  duration(key: string, fallback?: number): number {
    const v = this.raw[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === undefined) this.fail(key, 'is required');
    try {
      return parseDuration(v);
    } catch (err) {
      return this.fail(key, (err as Error).message);
    }
  }

  distribution(key: string): Distribution {
    if (this.raw[key] === undefined) this.fail(key, 'is required');
    return parseDistribution(this.where, this.raw[key], { fieldPrefix: this.at(key) });
  }

  list(key: string, optional = false): unknown[] {
    const v = this.raw[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.fail(key, `must be an array, got ${JSON.stringify(v)}`);
    return v;
  }
}
