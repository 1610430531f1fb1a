// What a handler is, and the one wrapper that turns a thrown domain error into a failed result.
// Programmer errors (SimulationError, non-ZosError) still throw: they must stop a run loudly.

import type { Backend } from '../backend.js';
import { operationError } from '../errors.js';
import type { Operation, OperationKind, OperationResult } from '../operations.js';

/** The operation type of one kind (several kinds share a type, as ZdbOp does, so Extract would not do). */
export type OperationOf<K extends OperationKind> = Operation extends infer O ? (O extends { readonly kind: infer T } ? (K extends T ? O & { readonly kind: K } : never) : never) : never;

export type Handler<K extends OperationKind = OperationKind> = (op: OperationOf<K>, backend: Backend) => Promise<OperationResult>;

export function ok(value?: unknown): OperationResult {
  return value === undefined ? { state: 'ok' } : { state: 'ok', value };
}

export function failed(code: string, message: string, retryable = false, value?: unknown): OperationResult {
  const error = { code, message, retryable };
  return value === undefined ? { state: 'failed', error } : { state: 'failed', error, value };
}

/** Runs `body`; a ZosError it throws becomes `{state: 'failed'}` with the stable code and retry advice. */
export async function guarded(body: () => Promise<OperationResult>): Promise<OperationResult> {
  try {
    return await body();
  } catch (error) {
    const mapped = operationError(error);
    if (mapped === undefined) throw error;
    return failed(mapped.code, mapped.message, mapped.retryable);
  }
}
