// zmachine.connect's common parts: the target, checked the same on every backend before anything is
// tried, and the answer when no connection was made.

import type { ConnectView } from './backend.js';
import { InputError } from './errors.js';

export function checkConnectTarget(address: string, port: number): void {
  const bad = (field: string, problem: string): never => {
    throw new InputError('zmachine.connect', field, problem);
  };
  if (typeof address !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address) || address.split('.').some((part) => Number(part) > 255)) {
    bad('address', `must be an IPv4 address, got ${JSON.stringify(address)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65_535) bad('port', `must be a whole number from 1 to 65535, got ${port}`);
}

/** No connection, and why (naming the hop or the end that failed). */
export function refusedConnect(reason: string): ConnectView {
  return { connected: false, reason, rttS: null };
}
