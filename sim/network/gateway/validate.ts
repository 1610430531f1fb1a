// Static validation of `gateway-name-proxy` and `gateway-fqdn-proxy` data as zos's Valid() does it
// (pkg/gridtypes/zos/{gw,gw_name,gw_fqdn}.go), plus tfchain's name-contract rule, which a name proxy
// cannot escape because its name must be a contract. Leaves out node-side checks (see gateway-node.ts).

import { InputError } from '../../errors.js';
import { parseBackend, type BackendAddress } from './backend-address.js';

export type GatewayProxyType = 'gateway-name-proxy' | 'gateway-fqdn-proxy';

/** One problem; `field` is a path inside the workload's `data` (`backends[0]`, `name`). */
export interface GatewayIssue {
  readonly field: string;
  readonly message: string;
}

/** The compiled form: nothing downstream re-checks the raw document. */
export interface GatewayProxySpec {
  readonly type: GatewayProxyType;
  /** Name proxies: the prefix under the gateway's domain. */
  readonly name: string | undefined;
  /** FQDN proxies: the full domain. */
  readonly fqdn: string | undefined;
  readonly tlsPassthrough: boolean;
  readonly backends: readonly BackendAddress[];
  readonly network: string | undefined;
}

/** zos gw_name.go. */
export const GATEWAY_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;
/** zos gw_fqdn.go: at least two labels, the last of two characters or more, no trailing dot. */
export const GATEWAY_FQDN_PATTERN = /^([a-zA-Z0-9-_]+\.)+[a-zA-Z0-9-_]{2,}$/;
/** tfchain pallet-smart-contract name_contract.rs: MIN_NAME_LENGTH 3, MaxNameContractNameLength 64, [a-z0-9-_]. */
export const NAME_CONTRACT_MIN_CHARS = 3;
export const NAME_CONTRACT_MAX_CHARS = 64;
const nameContractPattern = /^[a-z0-9-_]+$/;

export interface GatewayValidateOptions {
  /**
   * zos accepts any non-empty list (GatewayBase.Valid in threefoldtech/zosbase
   * pkg/gridtypes/zos/gw.go checks each backend, not their count) and hands them all to traefik, so
   * this defaults to true. `false` keeps a single-backend limit for callers that want one.
   */
  readonly allowSeveralBackends?: boolean;
}

type Json = Readonly<Record<string, unknown>>;

/** Every problem with `data` for `type`; never throws. */
export function gatewayIssues(type: GatewayProxyType, data: unknown, options: GatewayValidateOptions = {}): GatewayIssue[] {
  const issues: GatewayIssue[] = [];
  const report = (field: string, message: string): void => void issues.push({ field, message });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    report('', `gateway data must be a JSON object, got ${describe(data)}`);
    return issues;
  }
  const json = data as Json;
  if (type === 'gateway-name-proxy') checkName(json['name'], report);
  else checkFqdn(json['fqdn'], report);
  checkCommon(json, options, report);
  return issues;
}

/** Validates once and returns the compiled form; throws InputError naming the first bad field. */
export function compileGatewayProxy(where: string, type: GatewayProxyType, data: unknown, options: GatewayValidateOptions = {}): GatewayProxySpec {
  const first = gatewayIssues(type, data, options)[0];
  if (first !== undefined) throw new InputError(where, first.field, first.message);
  const json = data as Json;
  const tlsPassthrough = json['tls_passthrough'] === true;
  const network = typeof json['network'] === 'string' ? json['network'] : undefined;
  const backends = (json['backends'] as string[]).map((raw) => parseBackend(raw, tlsPassthrough, network) as BackendAddress);
  return {
    type,
    name: type === 'gateway-name-proxy' ? (json['name'] as string) : undefined,
    fqdn: type === 'gateway-fqdn-proxy' ? (json['fqdn'] as string) : undefined,
    tlsPassthrough,
    backends,
    network,
  };
}

function checkName(name: unknown, report: (field: string, message: string) => void): void {
  if (typeof name !== 'string' || !GATEWAY_NAME_PATTERN.test(name)) {
    return report('name', `must match ${GATEWAY_NAME_PATTERN.source}, got ${describe(name)}`);
  }
  if (name.length < NAME_CONTRACT_MIN_CHARS || name.length > NAME_CONTRACT_MAX_CHARS) {
    return report('name', `a name contract needs ${NAME_CONTRACT_MIN_CHARS}..${NAME_CONTRACT_MAX_CHARS} characters, got ${name.length}`);
  }
  if (!nameContractPattern.test(name)) report('name', `a name contract allows only lower-case a-z, 0-9, '-' and '_', got '${name}'`);
}

function checkFqdn(fqdn: unknown, report: (field: string, message: string) => void): void {
  if (typeof fqdn !== 'string' || !GATEWAY_FQDN_PATTERN.test(fqdn)) {
    report('fqdn', `must be a domain name matching ${GATEWAY_FQDN_PATTERN.source}, got ${describe(fqdn)}`);
  }
}

function checkCommon(data: Json, options: GatewayValidateOptions, report: (field: string, message: string) => void): void {
  const passthrough = data['tls_passthrough'];
  if (passthrough !== undefined && typeof passthrough !== 'boolean') report('tls_passthrough', `must be a boolean, got ${describe(passthrough)}`);
  const network = data['network'];
  const networkOk = network === undefined || network === null || (typeof network === 'string' && network !== '');
  if (!networkOk) report('network', `must be the name of a network workload, got ${describe(network)}`);
  const backends = data['backends'];
  if (!Array.isArray(backends) || backends.length === 0) {
    return report('backends', `backends list can not be empty, got ${describe(backends)}`);
  }
  if (backends.length !== 1 && options.allowSeveralBackends === false) {
    report('backends', `only one backend is supported, got ${backends.length}`);
  }
  backends.forEach((backend, index) => {
    const field = `backends[${index}]`;
    if (typeof backend !== 'string') return report(field, `must be a string, got ${describe(backend)}`);
    const parsed = parseBackend(backend, passthrough === true, typeof network === 'string' ? network : undefined);
    if (typeof parsed === 'string') report(field, `'${backend}' ${parsed}`);
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
}
