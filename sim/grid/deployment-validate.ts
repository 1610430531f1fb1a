// Static validation of a zos deployment document as a node does it on receipt: the envelope, the
// deployment-level checks (names, versions) and each workload type's Valid() (DOMAIN.md §1, §2.1),
// and the rules of our own zdisk type.
// Leaves out everything that needs a node, the chain or the network: capacity, free WireGuard ports,
// name contracts, DNS, private IP inside the node's subnet, signature verification and hashing.

import { isIP } from 'node:net';
import { workloadTypes, type WorkloadType } from './deployment.js';

/**
 * One problem. `workload` names the workload and `field` is then a path inside its `data`
 * (`compute_capacity.memory`, `mounts[0].name`). `workload` "" marks a deployment-level problem and
 * `field` is then a path from the document root (`twin_id`, `workloads[2].name`): envelope fields
 * are reported this way so they never collide with data fields of the same name (a gateway's `name`).
 */
export interface DeploymentIssue {
  readonly workload: string;
  readonly field: string;
  readonly message: string;
}

export interface DeploymentValidation {
  readonly valid: boolean;
  readonly errors: readonly DeploymentIssue[];
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const uint32Max = 2 ** 32 - 1;
const nameMaxChars = 36; // the virtio-fs tag limit, because names become mount tags
const namePattern = /^[a-zA-Z0-9_]+$/;
const reservedWorkloadNames = new Set(['ygg']);
const reservedNetworkNames = new Set(['ygg', 'pub', 'mycelium']);
// zdisk is ours (not zos): a zmachine mounts it as it would a zmount.
const mountableTypes = new Set(['zmount', 'volume', 'qsfs', 'zdisk']);
const zmachineMinMemoryBytes = 250 * MiB;

type Json = Readonly<Record<string, unknown>>;
type Report = (field: string, message: string) => void;

/** What per-type rules may know about the rest of the deployment. */
interface DeploymentContext {
  /** Type of each validly named workload, first occurrence wins. */
  readonly typeByName: ReadonlyMap<string, string>;
  /** public_ip name → the zmachine that claimed it first, so a second claim can be reported. */
  readonly publicIpOwner: Map<string, string>;
  /** The workload being checked. */
  readonly self: string;
}

type DataRule = (data: Json, context: DeploymentContext, report: Report) => void;

/** Validates any JSON value as a deployment document; collects every problem and never throws. */
export function validateDeployment(doc: unknown): DeploymentValidation {
  const errors: DeploymentIssue[] = [];
  const reportFor = (workload: string): Report => (field, message) => errors.push({ workload, field, message });
  const top = reportFor('');
  if (!isObject(doc)) {
    top('', `a deployment must be a JSON object, got ${describe(doc)}`);
    return { valid: false, errors };
  }
  checkDeploymentFields(doc, top);
  const workloads = doc['workloads'];
  if (!Array.isArray(workloads)) {
    top('workloads', `must be an array of workloads, got ${describe(workloads)}`);
    return { valid: false, errors };
  }
  // An empty list passes: zos's Valid() sets no minimum number of workloads.
  const deploymentVersion = isUint(doc['version'], uint32Max) ? doc['version'] : undefined;
  const typeByName = checkEnvelopes(workloads, deploymentVersion, top);
  const publicIpOwner = new Map<string, string>();
  for (const workload of workloads) {
    if (!isObject(workload) || !isObject(workload['data'])) continue;
    const { name, type, data } = workload as { name: unknown; type: unknown; data: Json };
    const rule = typeof type === 'string' ? ruleFor(type) : undefined;
    if (typeof name !== 'string' || rule === undefined) continue;
    rule(data, { typeByName, publicIpOwner, self: name }, reportFor(name));
  }
  return { valid: errors.length === 0, errors };
}

// ---- deployment level ----

function checkDeploymentFields(doc: Json, report: Report): void {
  requireUint(doc, 'version', report, '', uint32Max);
  requireUint(doc, 'twin_id', report, '', uint32Max);
  // contract_id is optional: clients set it only after the contract exists, and the hash excludes it.
  optionalUint(doc, 'contract_id', report, '');
  optionalString(doc, 'metadata', report, '');
  optionalString(doc, 'description', report, '');
  optionalUint(doc, 'expiration', report, '');
  const requirement = doc['signature_requirement'];
  // Only the shape is checked: verifying signatures needs the twins' keys from the chain.
  if (requirement !== undefined && !isObject(requirement)) {
    report('signature_requirement', `must be an object, got ${describe(requirement)}`);
  }
}

/** Checks each workload's envelope and returns the types of the validly named ones. */
function checkEnvelopes(workloads: readonly unknown[], deploymentVersion: number | undefined, report: Report): Map<string, string> {
  const typeByName = new Map<string, string>();
  const firstIndexByName = new Map<string, number>();
  workloads.forEach((workload, index) => {
    const at = `workloads[${index}]`;
    if (!isObject(workload)) {
      report(at, `a workload must be a JSON object, got ${describe(workload)}`);
      return;
    }
    const name = workload['name'];
    const nameOk = checkName(name, `${at}.name`, report);
    checkType(workload['type'], `${at}.type`, report);
    checkWorkloadVersion(workload['version'], deploymentVersion, `${at}.version`, report);
    optionalString(workload, 'metadata', report, `${at}.`);
    optionalString(workload, 'description', report, `${at}.`);
    if (!isObject(workload['data'])) report(`${at}.data`, `must be an object, got ${describe(workload['data'])}`);
    if (!nameOk || typeof name !== 'string') return;
    const first = firstIndexByName.get(name);
    if (first !== undefined) {
      report(`${at}.name`, `duplicate workload name '${name}' (also workloads[${first}])`);
      return;
    }
    firstIndexByName.set(name, index);
    typeByName.set(name, typeof workload['type'] === 'string' ? workload['type'] : '');
  });
  return typeByName;
}

function checkName(name: unknown, field: string, report: Report): boolean {
  if (typeof name !== 'string') return fail(report, field, `must be a string, got ${describe(name)}`);
  if (name.length < 1 || name.length > nameMaxChars) return fail(report, field, `must be 1..${nameMaxChars} characters, got ${name.length}`);
  if (!namePattern.test(name)) return fail(report, field, `'${name}' must match ${namePattern.source}`);
  if (reservedWorkloadNames.has(name)) return fail(report, field, `'${name}' is reserved`);
  return true;
}

function checkType(type: unknown, field: string, report: Report): void {
  if (typeof type === 'string' && ruleFor(type) !== undefined) return;
  report(field, `unknown workload type ${describe(type)} (valid: ${workloadTypes.join(', ')})`);
}

function checkWorkloadVersion(version: unknown, deploymentVersion: number | undefined, field: string, report: Report): void {
  if (!isUint(version, uint32Max)) {
    report(field, `must be an integer 0..${uint32Max}, got ${describe(version)}`);
  } else if (deploymentVersion !== undefined && version > deploymentVersion) {
    report(field, `workload version ${version} is higher than the deployment version ${deploymentVersion}`);
  }
}

// ---- per type: what each zos Valid() checks ----

const rules: Readonly<Record<WorkloadType, DataRule>> = {
  zmachine: checkZMachine,
  zmount: checkDisk,
  volume: checkDisk,
  network: checkNetwork,
  zdb: checkZdb,
  qsfs: checkQsfs,
  ip: checkIp,
  // The deprecated ipv4 type carries no data, so there is nothing to check.
  ipv4: () => {},
  'gateway-name-proxy': checkGatewayName,
  'gateway-fqdn-proxy': checkGatewayFqdn,
  zlogs: checkZlogs,
  zdisk: checkZdisk,
};

function ruleFor(type: string): DataRule | undefined {
  return Object.hasOwn(rules, type) ? rules[type as WorkloadType] : undefined;
}

function checkZMachine(data: Json, context: DeploymentContext, report: Report): void {
  const flist = data['flist'];
  if (typeof flist !== 'string' || flist === '') report('flist', `an flist URL is required, got ${describe(flist)}`);
  else if (!URL.canParse(flist)) report('flist', `'${flist}' is not a URL`);
  const compute = checkCompute(data['compute_capacity'], report);
  checkRootSize(data['size'], compute, report);
  checkMounts(data['mounts'], context, report);
  checkMachineNetwork(data['network'], context, report);
  // gpu, env, entrypoint and corex have no static rules in zos; GPU needs a rented node (runtime).
}

function checkCompute(compute: unknown, report: Report): { cpu: number; memoryBytes: number } | undefined {
  if (!isObject(compute)) return failUndefined(report, 'compute_capacity', `must be an object with cpu and memory, got ${describe(compute)}`);
  const { cpu, memory } = compute;
  let ok = true;
  if (!isUint(cpu, 255) || cpu < 1) ok = fail(report, 'compute_capacity.cpu', `must be an integer 1..255 (vCPUs), got ${describe(cpu)}`);
  if (!isUint(memory) || memory < zmachineMinMemoryBytes) {
    ok = fail(report, 'compute_capacity.memory', `must be at least ${zmachineMinMemoryBytes} bytes (250 MiB), got ${describe(memory)}`);
  }
  return ok ? { cpu: cpu as number, memoryBytes: memory as number } : undefined;
}

/** zos RootSize(): 500 MiB for small machines (cpu×memory under 8 GiB), 2 GiB otherwise. */
export function minRootSizeBytes(cpu: number, memoryBytes: number): number {
  return Math.floor((cpu * memoryBytes) / (8 * GiB)) === 0 ? 500 * MiB : 2 * GiB;
}

function checkRootSize(size: unknown, compute: { cpu: number; memoryBytes: number } | undefined, report: Report): void {
  if (!isUint(size)) {
    report('size', `must be a whole number of bytes (0 for the minimum), got ${describe(size)}`);
    return;
  }
  // Without a valid compute capacity the minimum is unknown; that field has already been reported.
  if (size === 0 || compute === undefined) return;
  const min = minRootSizeBytes(compute.cpu, compute.memoryBytes);
  if (size < min) report('size', `root size ${size} bytes is below the minimum ${min} bytes for this machine (use 0 for the minimum)`);
}

function checkMounts(mounts: unknown, context: DeploymentContext, report: Report): void {
  if (mounts === undefined || mounts === null) return;
  if (!Array.isArray(mounts)) return report('mounts', `must be an array, got ${describe(mounts)}`);
  mounts.forEach((mount, index) => {
    const at = `mounts[${index}]`;
    if (!isObject(mount)) return report(at, `must be an object with name and mountpoint, got ${describe(mount)}`);
    const name = mount['name'];
    const type = typeof name === 'string' ? context.typeByName.get(name) : undefined;
    if (typeof name !== 'string' || type === undefined) {
      report(`${at}.name`, `must name a zmount, volume, qsfs or zdisk workload of this deployment, got ${describe(name)}`);
    } else if (!mountableTypes.has(type)) {
      report(`${at}.name`, `'${name}' is a ${type || 'workload of unknown type'}, not a zmount, volume, qsfs or zdisk`);
    }
    // A missing mountpoint decodes to "" in zos and passes Valid(); only a wrong type is an error here.
    if (mount['mountpoint'] !== undefined && typeof mount['mountpoint'] !== 'string') report(`${at}.mountpoint`, `must be a string, got ${describe(mount['mountpoint'])}`);
  });
}

function checkMachineNetwork(network: unknown, context: DeploymentContext, report: Report): void {
  if (!isObject(network)) return report('network', `must be an object with interfaces, got ${describe(network)}`);
  const interfaces = network['interfaces'];
  if (!Array.isArray(interfaces) || interfaces.length !== 1) {
    report('network.interfaces', `exactly one private network interface is required, got ${Array.isArray(interfaces) ? interfaces.length : describe(interfaces)}`);
  }
  if (Array.isArray(interfaces)) interfaces.forEach((nic, index) => checkInterface(nic, `network.interfaces[${index}]`, context, report));
  checkPublicIp(network['public_ip'], context, report);
  if (network['planetary'] !== undefined && typeof network['planetary'] !== 'boolean') {
    report('network.planetary', `must be a boolean, got ${describe(network['planetary'])}`);
  }
  const mycelium = network['mycelium'];
  if (mycelium === undefined || mycelium === null) return;
  if (!isObject(mycelium)) return report('network.mycelium', `must be an object, got ${describe(mycelium)}`);
  if (!isHexBytes(mycelium['hex_seed'], 6)) report('network.mycelium.hex_seed', `must be 6 bytes as 12 hex digits, got ${describe(mycelium['hex_seed'])}`);
}

function checkInterface(nic: unknown, at: string, context: DeploymentContext, report: Report): void {
  if (!isObject(nic)) return report(at, `must be an object with network and ip, got ${describe(nic)}`);
  const network = nic['network'];
  if (typeof network !== 'string' || network === '') return report(`${at}.network`, `must name a network workload, got ${describe(network)}`);
  if (reservedNetworkNames.has(network)) return report(`${at}.network`, `'${network}' is a reserved network name`);
  // A network is sharable across the twin's deployments, so a name absent here may live in another
  // deployment on the same node; only a name that exists here with another type is certainly wrong.
  const type = context.typeByName.get(network);
  if (type !== undefined && type !== 'network') report(`${at}.network`, `'${network}' is a ${type || 'workload of unknown type'}, not a network`);
  // The IP's place inside the node's subnet is a runtime check (the NR lives on the node).
  if (nic['ip'] !== undefined && typeof nic['ip'] !== 'string') report(`${at}.ip`, `must be a string, got ${describe(nic['ip'])}`);
}

function checkPublicIp(publicIp: unknown, context: DeploymentContext, report: Report): void {
  if (publicIp === undefined || publicIp === '') return;
  const field = 'network.public_ip';
  if (typeof publicIp !== 'string') return report(field, `must be the name of an ip workload or "", got ${describe(publicIp)}`);
  const type = context.typeByName.get(publicIp);
  if (type !== 'ip' && type !== 'ipv4') return report(field, `'${publicIp}' must name an ip workload of this deployment`);
  const owner = context.publicIpOwner.get(publicIp);
  if (owner === undefined) context.publicIpOwner.set(publicIp, context.self);
  else report(field, `public ip '${publicIp}' is already used by zmachine '${owner}'`);
}

/** zmount and volume: a positive size; the SDK's 100 MiB..10 TiB range is client-side only. */
function checkDisk(data: Json, _context: DeploymentContext, report: Report): void {
  requirePositive(data, 'size', report);
}

function checkNetwork(data: Json, _context: DeploymentContext, report: Report): void {
  checkCidr(data['ip_range'], 'ip_range', report, 'v4');
  checkCidr(data['subnet'], 'subnet', report, 'v4');
  requireNonEmpty(data, 'wireguard_private_key', report);
  // Whether the port is free on the node is a runtime question (zos.network.list_wg_ports).
  if (data['wireguard_listen_port'] !== undefined && !isUint(data['wireguard_listen_port'], 65535)) {
    report('wireguard_listen_port', `must be a port 0..65535, got ${describe(data['wireguard_listen_port'])}`);
  }
  checkPeers(data['peers'], report);
  checkNetworkMycelium(data['mycelium'], report);
}

function checkPeers(peers: unknown, report: Report): void {
  if (peers === undefined || peers === null) return;
  if (!Array.isArray(peers)) return report('peers', `must be an array, got ${describe(peers)}`);
  peers.forEach((peer, index) => {
    const at = `peers[${index}]`;
    if (!isObject(peer)) return report(at, `must be an object, got ${describe(peer)}`);
    checkCidr(peer['subnet'], `${at}.subnet`, report, 'any');
    requireNonEmpty(peer, 'wireguard_public_key', report, `${at}.`);
    const allowed = peer['allowed_ips'];
    if (!Array.isArray(allowed) || allowed.length === 0) {
      return report(`${at}.allowed_ips`, `at least one allowed IP range is required, got ${describe(allowed)}`);
    }
    allowed.forEach((range, i) => checkCidr(range, `${at}.allowed_ips[${i}]`, report, 'any'));
  });
}

function checkNetworkMycelium(mycelium: unknown, report: Report): void {
  if (mycelium === undefined || mycelium === null) return;
  if (!isObject(mycelium)) return report('mycelium', `must be an object, got ${describe(mycelium)}`);
  if (!isHexBytes(mycelium['hex_key'], 32)) report('mycelium.hex_key', `must be 32 bytes as 64 hex digits, got ${describe(mycelium['hex_key'])}`);
  const peers = mycelium['peers'];
  if (Array.isArray(peers) && peers.length > 0) report('mycelium.peers', 'custom mycelium peers are not supported by zos');
  else if (peers !== undefined && peers !== null && !Array.isArray(peers)) report('mycelium.peers', `must be an array, got ${describe(peers)}`);
}

/** Node side: size > 0 and a known mode. The SDK's non-empty password rule is client-side only. */
function checkZdb(data: Json, _context: DeploymentContext, report: Report): void {
  requirePositive(data, 'size', report);
  const mode = data['mode'];
  if (mode !== 'user' && mode !== 'seq') report('mode', `must be 'user' or 'seq', got ${describe(mode)}`);
  optionalString(data, 'password', report, '');
  if (data['public'] !== undefined && typeof data['public'] !== 'boolean') report('public', `must be a boolean, got ${describe(data['public'])}`);
}

/** Node side checks only the shard counts; the SDK's further limits are client-side. */
function checkQsfs(data: Json, _context: DeploymentContext, report: Report): void {
  if (!isUint(data['cache'])) report('cache', `must be a whole number of bytes, got ${describe(data['cache'])}`);
  const config = data['config'];
  if (!isObject(config)) return report('config', `must be an object, got ${describe(config)}`);
  const minimal = config['minimal_shards'];
  const expected = config['expected_shards'];
  let counts = true;
  if (!isUint(minimal)) counts = fail(report, 'config.minimal_shards', `must be a whole number, got ${describe(minimal)}`);
  if (!isUint(expected)) counts = fail(report, 'config.expected_shards', `must be a whole number, got ${describe(expected)}`);
  if (counts && (minimal as number) > (expected as number)) {
    report('config.minimal_shards', `minimal_shards ${String(minimal)} must not exceed expected_shards ${String(expected)}`);
  }
}

/**
 * Ours, not zos. Only what the document alone decides: where the namespaces are, whether they hold
 * enough and sit on distinct nodes other than the zmachine's is known on the node (the manager).
 */
function checkZdisk(data: Json, _context: DeploymentContext, report: Report): void {
  requirePositive(data, 'size', report);
  const k = data['data_shards'];
  const m = data['parity_shards'];
  const kOk = isUint(k) && k >= 1;
  const mOk = isUint(m);
  if (!kOk) report('data_shards', `must be a whole number ≥ 1, got ${describe(k)}`);
  if (!mOk) report('parity_shards', `must be a whole number ≥ 0, got ${describe(m)}`);
  const backends = data['backends'];
  if (!Array.isArray(backends)) return report('backends', `must be an array of zdb backends, got ${describe(backends)}`);
  const columns = kOk && mOk ? (k as number) + (m as number) : 0;
  if (backends.length < columns) report('backends', `need at least data_shards + parity_shards = ${columns} backends, got ${backends.length}`);
  const firstByNamespace = new Map<string, number>();
  backends.forEach((backend, index) => {
    const at = `backends[${index}]`;
    if (!isObject(backend)) return report(at, `must be an object with address, namespace and password, got ${describe(backend)}`);
    const address = backend['address'];
    const problem = typeof address === 'string' ? zdbAddressProblem(address) : 'is not a string';
    if (problem !== undefined) report(`${at}.address`, `${describe(address)} ${problem}`);
    const namespace = backend['namespace'];
    if (typeof namespace !== 'string' || namespace === '') return report(`${at}.namespace`, `must be a non-empty string, got ${describe(namespace)}`);
    // Two columns in one namespace would lose two shards of every stripe together.
    const first = firstByNamespace.get(namespace);
    if (first !== undefined) report(`${at}.namespace`, `namespace '${namespace}' is also backends[${first}]`);
    else firstByNamespace.set(namespace, index);
    optionalString(backend, 'password', report, `${at}.`);
  });
}

/** A 0-db listens on `ip:port`, `[ipv6]:port` for IPv6, as qsfs configs write it. */
function zdbAddressProblem(address: string): string | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (match === null) return 'must be ip:port ([ip]:port for IPv6)';
  if (Number(match[3]) > 65535) return 'has a port above 65535';
  if (isIP(match[1] ?? match[2] ?? '') === 0) return 'must use an IP address, not a host name';
  return undefined;
}

function checkIp(data: Json, _context: DeploymentContext, report: Report): void {
  for (const key of ['v4', 'v6']) {
    if (data[key] !== undefined && typeof data[key] !== 'boolean') report(key, `must be a boolean, got ${describe(data[key])}`);
  }
  if (data['v4'] !== true && data['v6'] !== true) report('v4', 'at least one of v4 and v6 must be true');
}

const gatewayNamePattern = /^[a-zA-Z0-9-_]+$/;
const fqdnPattern = /^([a-zA-Z0-9-_]+\.)+[a-zA-Z0-9-_]{2,}$/;

/** The name contract, its owner and the node's domain are checked on the node against the chain. */
function checkGatewayName(data: Json, _context: DeploymentContext, report: Report): void {
  const name = data['name'];
  if (typeof name !== 'string' || !gatewayNamePattern.test(name)) report('name', `must match ${gatewayNamePattern.source}, got ${describe(name)}`);
  checkGatewayCommon(data, report);
}

/** That DNS points at the gateway and the domain is not the gateway's own are deploy-time checks. */
function checkGatewayFqdn(data: Json, _context: DeploymentContext, report: Report): void {
  const fqdn = data['fqdn'];
  if (typeof fqdn !== 'string' || !fqdnPattern.test(fqdn)) report('fqdn', `must be a domain name matching ${fqdnPattern.source}, got ${describe(fqdn)}`);
  checkGatewayCommon(data, report);
}

function checkGatewayCommon(data: Json, report: Report): void {
  const passthrough = data['tls_passthrough'];
  if (passthrough !== undefined && typeof passthrough !== 'boolean') report('tls_passthrough', `must be a boolean, got ${describe(passthrough)}`);
  const backends = data['backends'];
  // zos takes any non-empty list and hands it all to traefik (GatewayBase.Valid in threefoldtech/zosbase
  // pkg/gridtypes/zos/gw.go); the gateway round-robins over it (sim/network/gateway/balancer.ts).
  if (!Array.isArray(backends) || backends.length === 0) {
    report('backends', `backends list can not be empty, got ${Array.isArray(backends) ? 'an empty list' : describe(backends)}`);
  }
  if (Array.isArray(backends)) backends.forEach((backend, index) => checkBackend(backend, passthrough === true, `backends[${index}]`, report));
  // The gateway node joining that network is a deploy-time matter; statically it is just a name.
  if (data['network'] !== undefined && data['network'] !== null && typeof data['network'] !== 'string') {
    report('network', `must be a network name, got ${describe(data['network'])}`);
  }
}

function checkBackend(backend: unknown, passthrough: boolean, field: string, report: Report): void {
  if (typeof backend !== 'string') return report(field, `must be a string, got ${describe(backend)}`);
  const problem = passthrough ? passthroughBackendProblem(backend) : httpBackendProblem(backend);
  if (problem !== undefined) report(field, `'${backend}' ${problem}`);
}

/** Without passthrough the gateway terminates TLS and forwards plain HTTP to `http://ip[:port]`. */
function httpBackendProblem(backend: string): string | undefined {
  if (!URL.canParse(backend)) return 'is not a URL of the form http://ip[:port]';
  const url = new URL(backend);
  if (url.protocol !== 'http:') return `must use the http scheme, not ${url.protocol.slice(0, -1)}`;
  return hostProblem(url.hostname.replace(/^\[(.*)\]$/, '$1'));
}

/** With passthrough the gateway routes by SNI to `ip:port` and TLS stays end to end. */
function passthroughBackendProblem(backend: string): string | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(backend);
  if (match === null) return 'must be ip:port ([ip]:port for IPv6) with TLS passthrough';
  if (Number(match[3]) > 65535) return 'has a port above 65535';
  return hostProblem(match[1] ?? match[2] ?? '');
}

function hostProblem(host: string): string | undefined {
  if (isIP(host) === 0) return 'must use an IP address, not a host name';
  if (isLoopback(host)) return 'must not point at a loopback address';
  return undefined;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || /^::ffff:127\./i.test(ip);
}

function checkZlogs(data: Json, context: DeploymentContext, report: Report): void {
  const zmachine = data['zmachine'];
  if (typeof zmachine !== 'string' || context.typeByName.get(zmachine) !== 'zmachine') {
    report('zmachine', `must name a zmachine workload of this deployment, got ${describe(zmachine)}`);
  }
  const output = data['output'];
  const scheme = typeof output === 'string' && URL.canParse(output) ? new URL(output).protocol : '';
  if (!['redis:', 'ws:', 'wss:'].includes(scheme)) report('output', `must be a redis://, ws:// or wss:// URL, got ${describe(output)}`);
}

// ---- small helpers over untrusted JSON ----

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUint(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function isHexBytes(value: unknown, bytes: number): boolean {
  return typeof value === 'string' && value.length === bytes * 2 && /^[0-9a-fA-F]*$/.test(value);
}

/** `kind` v4 for the user network's own ranges (IPv4 by design); peers' allowed IPs may be IPv6. */
function checkCidr(value: unknown, field: string, report: Report, kind: 'v4' | 'any'): void {
  if (typeof value !== 'string' || value === '') return report(field, `must be a non-empty CIDR range, got ${describe(value)}`);
  const [ip = '', prefix, extra] = value.split('/');
  const family = isIP(ip);
  const maxPrefix = family === 6 ? 128 : 32;
  const prefixOk = prefix !== undefined && /^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix;
  if (family === 0 || !prefixOk || extra !== undefined) return report(field, `'${value}' is not a CIDR range like 10.1.0.0/16`);
  if (kind === 'v4' && family !== 4) report(field, `'${value}' must be an IPv4 range`);
}

function requireUint(object: Json, key: string, report: Report, prefix: string, max?: number): void {
  if (!isUint(object[key], max)) report(prefix + key, `must be an integer 0..${max ?? Number.MAX_SAFE_INTEGER}, got ${describe(object[key])}`);
}

function optionalUint(object: Json, key: string, report: Report, prefix: string): void {
  if (object[key] !== undefined) requireUint(object, key, report, prefix);
}

function requirePositive(object: Json, key: string, report: Report): void {
  const value = object[key];
  if (!isUint(value) || value === 0) report(key, `must be a positive whole number of bytes, got ${describe(value)}`);
}

function requireNonEmpty(object: Json, key: string, report: Report, prefix = ''): void {
  const value = object[key];
  if (typeof value !== 'string' || value === '') report(prefix + key, `must be a non-empty string, got ${describe(value)}`);
}

function optionalString(object: Json, key: string, report: Report, prefix: string): void {
  const value = object[key];
  if (value !== undefined && typeof value !== 'string') report(prefix + key, `must be a string, got ${describe(value)}`);
}

/** Always false, so a check can report and record failure in one expression. */
function fail(report: Report, field: string, message: string): false {
  report(field, message);
  return false;
}

function failUndefined(report: Report, field: string, message: string): undefined {
  report(field, message);
  return undefined;
}

/** A short, safe rendering of any JSON value for messages: never the whole of a large object. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
