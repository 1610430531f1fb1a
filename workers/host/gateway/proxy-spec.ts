// A gateway workload's data checked with the simulator's copy of zos's Valid() rules, plus the two
// things the host gateway adds: an opt-in for loopback backends (tests) and no TLS passthrough (no SNI).

import { InputError } from '../../../sim/errors.js';
import { parseBackend, type BackendAddress } from '../../../sim/network/gateway/backend-address.js';
import { gatewayIssues, type GatewayProxySpec, type GatewayProxyType } from '../../../sim/network/gateway/validate.js';

export interface ProxySpecOptions {
  /** zos refuses loopback http backends; tests on one host need them. Default false. */
  readonly allowLoopbackBackends?: boolean;
  /** zos supports exactly one backend; the failover extension lifts that. Default false. */
  readonly allowSeveralBackends?: boolean;
}

const LOOPBACK_PROBLEM = /must not point at a loopback address/;

/** Validates once into the compiled form; the InputError names the field (`backends[1]`, `name`). */
export function compileHostProxy(where: string, type: GatewayProxyType, data: unknown, options: ProxySpecOptions): GatewayProxySpec {
  const allowLoopback = options.allowLoopbackBackends === true;
  const issues = gatewayIssues(type, data, { allowSeveralBackends: options.allowSeveralBackends === true });
  const first = issues.find((issue) => !(allowLoopback && LOOPBACK_PROBLEM.test(issue.message)));
  if (first !== undefined) throw new InputError(where, first.field, first.message);
  const json = data as Readonly<Record<string, unknown>>;
  if (json['tls_passthrough'] === true) {
    throw new InputError(where, 'tls_passthrough', 'not supported by the host gateway (it terminates HTTP; no SNI routing)');
  }
  const network = typeof json['network'] === 'string' ? json['network'] : undefined;
  const backends = (json['backends'] as string[]).map((raw) => compileBackend(raw, network));
  return {
    type,
    name: type === 'gateway-name-proxy' ? (json['name'] as string) : undefined,
    fqdn: type === 'gateway-fqdn-proxy' ? (json['fqdn'] as string) : undefined,
    tlsPassthrough: false,
    backends,
    network,
  };
}

/** parseBackend refuses loopback; once that refusal was waived, read the address the same way. */
function compileBackend(raw: string, network: string | undefined): BackendAddress {
  const parsed = parseBackend(raw, false, network);
  if (typeof parsed !== 'string') return parsed;
  const url = new URL(raw);
  const ip = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { raw, ip, family: ip.includes(':') ? 6 : 4, port: url.port === '' ? 80 : Number(url.port), route: network === undefined ? 'public' : 'znet', network };
}
