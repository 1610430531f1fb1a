// Field checkers for untrusted operation JSON: each returns the typed value or throws an InputError
// naming the source and the field path. No coercion: "3" is not a number here.

import { InputError } from '../../workers/errors.js';

export type Json = Readonly<Record<string, unknown>>;

/** Where a value came from (`where`) and its path inside it (`prefix`, e.g. `ops[3].`). */
export interface Place {
  readonly where: string;
  readonly prefix: string;
}

export function fieldError(at: Place, field: string, problem: string): InputError {
  return new InputError(at.where, `${at.prefix}${field}`, problem);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function wholeNumber(o: Json, field: string, at: Place, min: number): number {
  const value = o[field];
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min)) {
    throw fieldError(at, field, `must be a whole number ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

export function optionalWholeNumber(o: Json, field: string, at: Place, min: number): number | undefined {
  return o[field] === undefined ? undefined : wholeNumber(o, field, at, min);
}

export function finiteNumber(o: Json, field: string, at: Place, min: number): number | undefined {
  const value = o[field];
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min)) throw fieldError(at, field, `must be a number ≥ ${min}, got ${describe(value)}`);
  return value;
}

export function string(o: Json, field: string, at: Place, options: { allowEmpty?: boolean; pattern?: RegExp; patternText?: string } = {}): string {
  const value = o[field];
  if (typeof value !== 'string') throw fieldError(at, field, `must be a string, got ${describe(value)}`);
  if (value === '' && options.allowEmpty !== true) throw fieldError(at, field, 'must not be empty');
  if (options.pattern !== undefined && !options.pattern.test(value)) throw fieldError(at, field, `must be ${options.patternText}, got ${describe(value)}`);
  return value;
}

export function optionalString(o: Json, field: string, at: Place): string | undefined {
  return o[field] === undefined ? undefined : string(o, field, at, { allowEmpty: true });
}

export function oneOf<T extends string>(o: Json, field: string, at: Place, allowed: readonly T[]): T {
  const value = o[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw fieldError(at, field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** A workload id `<twin>-<contract>-<name>`, as zos names namespaces, VMs and qsfs instances. */
export const workloadIdPattern = /^\d+-\d+-[a-zA-Z0-9_]{1,36}$/;
export const workloadIdText = 'a workload id <twin>-<contract>-<name>';
