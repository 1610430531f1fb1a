// What the owner reads from the wire and writes back besides replies: requests checked field by
// field (they come from Redis, untrusted), completion reports, and failure replies.

import type { CallRequest, Channel, WireOutcome } from './protocol.js';

/** A failure reply that no operation error is behind (a stale or out-of-order request). */
export function fail(message: string): string {
  return JSON.stringify({ ok: false, error: { message }, nowS: 0 });
}

export function toOutcome(raw: unknown): WireOutcome {
  const outcome = raw as Partial<WireOutcome> | null;
  if (typeof outcome === 'object' && outcome !== null) {
    if ('result' in outcome && typeof outcome.result === 'object' && outcome.result !== null) return { result: outcome.result };
    if ('thrown' in outcome && typeof outcome.thrown === 'object' && outcome.thrown !== null) return { thrown: outcome.thrown };
  }
  // No operation error inside: the transport treats it as a programmer error and stops loudly.
  return { thrown: { message: 'a worker sent a malformed completion report' } };
}

/** Requests come from Redis: anything malformed is dropped with a reason, never trusted. */
export function parseRequest(text: string, channel: Channel): CallRequest | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const r = raw as Partial<CallRequest>;
  if (typeof r !== 'object' || r === null) return 'not an object';
  if (typeof r.run !== 'string') return 'field run: must be a string';
  for (const field of ['seq', 'attempt', 'index'] as const) {
    if (!Number.isSafeInteger(r[field]) || (r[field] as number) < 0) return `field ${field}: must be an integer ≥ 0`;
  }
  if (typeof r.method !== 'string') return 'field method: must be a string';
  if (!Array.isArray(r.args)) return 'field args: must be an array';
  // A reply may only go to one of our reply lists, never to an arbitrary key such as a queue's.
  if (r.replyTo !== undefined && (typeof r.replyTo !== 'string' || !r.replyTo.startsWith(channel.replyKey('')))) {
    return 'field replyTo: not a reply list of this queue';
  }
  if (r.tag !== undefined && (typeof r.tag !== 'string' || r.tag.includes('|'))) return 'field tag: must be a string without |';
  if (r.worker !== undefined && (typeof r.worker !== 'string' || r.worker === '')) return 'field worker: must be a non-empty string';
  if (r.slots !== undefined && (!Number.isSafeInteger(r.slots) || r.slots < 1)) return 'field slots: must be an integer ≥ 1';
  return r as CallRequest;
}
