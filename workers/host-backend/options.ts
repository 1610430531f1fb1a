// HostBackend's options, checked once: how many nodes, in which farms, where the hub's files are, and
// the few host knobs; and the nodes they describe. Errors name the option.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gatewayDomain } from '../../sim/network/grid-network-public.js';
import { realHubHosts } from '../../sim/storage/flist/hub-url.js';
import { InputError } from '../errors.js';
import { maxNodesPerFarm, netnsAvailable } from '../host/netns/index.js';
import { HostNode } from './nodes.js';
import type { ZdbMode } from './zdb-runner.js';

const GiB = 2 ** 30;

export interface HostBackendOptions {
  readonly dataDir: string;
  /** Nodes to run (default 8): node i lives in dataDir/nodes/i. */
  readonly nodes?: number;
  /** Nodes per farm, in node order (default all in farm 0). */
  readonly farms?: readonly number[];
  /**
   * The hub: a directory this backend serves over HTTP (default dataDir/hub; setHub takes it down and
   * up), or the http(s) URL of a hub running elsewhere (`zos-testbed hub`; setHub then refuses).
   */
  readonly hub?: string;
  /**
   * Hosts of real hubs whose flist URLs (`https://HOST/<user>/<file>`) are fetched from `hub` instead,
   * published there as `<user>.<file>` (hub-map.ts). Default: the real ThreeFold hubs
   * (sim/storage/flist/hub-url.ts realHubHosts); [] fetches every URL as written.
   */
  readonly hubAliases?: readonly string[];
  /** Each node's SSD pool for zmounts (default 100 GiB: a number, only what zmounts ask is allocated). */
  readonly ssdPoolBytes?: number;
  /** Gateways accept loopback backends (a test's HTTP server on this host). Default false, as zos. */
  readonly allowLoopbackBackends?: boolean;
  /** fdatasync every 0-db write (default false). */
  readonly fsync?: boolean;
  /**
   * Each node's 0-db in this process (default: starts in milliseconds), or as a `zos-testbed zdb`
   * child process, so crash() is a real SIGKILL.
   */
  readonly zdb?: ZdbMode;
  /**
   * 'loopback' (default): every node's servers share this host's loopback. 'netns' (root and iproute2
   * only): each node is a network namespace on its farm's LAN, farms joined by links that link faults
   * cut (workers/host/netns/); each node's 0-db answers on the node's address at port 9900, from a
   * process inside the namespace (zdb 'process') or from this process through a relay in it.
   */
  readonly network?: HostNetwork;
}

export type HostNetwork = 'loopback' | 'netns';

export interface CompiledHostOptions {
  readonly dataDir: string;
  readonly nodes: readonly HostNode[];
  /** Exactly one of the two: a directory to serve, or a hub's base URL (ending in '/'). */
  readonly hubDir: string | undefined;
  readonly hubUrl: string | undefined;
  readonly hubAliases: readonly string[];
  readonly allowLoopbackBackends: boolean;
  readonly network: HostNetwork;
}

export function compileHostOptions(options: HostBackendOptions): CompiledHostOptions {
  const where = 'HostBackend';
  if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new InputError(where, 'dataDir', 'must be a directory path');
  const dataDir = resolve(options.dataDir);
  const count = options.nodes ?? 8;
  if (!(Number.isInteger(count) && count >= 1 && count <= 256)) throw new InputError(where, 'nodes', `must be an integer in 1..256, got ${String(count)}`);
  const hubIsUrl = options.hub !== undefined && /^[a-z]+:\/\//i.test(options.hub);
  if (hubIsUrl && !/^https?:\/\/[^/]+/i.test(options.hub!)) throw new InputError(where, 'hub', `must be a directory or an http(s) URL, got ${JSON.stringify(options.hub)}`);
  const hubAliases = options.hubAliases ?? realHubHosts;
  if (!Array.isArray(hubAliases) || !hubAliases.every((h) => typeof h === 'string' && /^[A-Za-z0-9.-]+$/.test(h))) {
    throw new InputError(where, 'hubAliases', `must be a list of host names, got ${JSON.stringify(hubAliases)}`);
  }
  const ssdPoolBytes = options.ssdPoolBytes ?? 100 * GiB;
  if (!(Number.isSafeInteger(ssdPoolBytes) && ssdPoolBytes > 0)) throw new InputError(where, 'ssdPoolBytes', `must be a positive integer, got ${String(ssdPoolBytes)}`);
  const network = compileNetwork(options);
  const zdbMode = options.zdb ?? 'in-process';
  if (zdbMode !== 'in-process' && zdbMode !== 'process') throw new InputError(where, 'zdb', `must be in-process or process, got ${JSON.stringify(zdbMode)}`);
  const farmOf = farmsOf(count, options.farms);
  const biggestFarm = Math.max(...farmOf.map((f) => farmOf.filter((g) => g === f).length));
  if (network === 'netns' && biggestFarm > maxNodesPerFarm) {
    throw new InputError(where, 'farms', `with network netns a farm LAN (a /24) holds at most ${maxNodesPerFarm} nodes, got ${biggestFarm} in one farm`);
  }
  const allowLoopbackBackends = options.allowLoopbackBackends ?? false;
  mkdirSync(dataDir, { recursive: true });
  const nodes = Array.from({ length: count }, (_, node) => new HostNode({
    node, farm: farmOf[node]!, dir: join(dataDir, 'nodes', String(node)), ssdPoolBytes,
    fsync: options.fsync ?? false, allowLoopbackBackends, gatewayDomain: gatewayDomain(node), zdbMode,
  }));
  const hubDir = hubIsUrl ? undefined : (options.hub ?? join(dataDir, 'hub'));
  const hubUrl = hubIsUrl ? options.hub!.replace(/\/*$/, '/') : undefined;
  return { dataDir, nodes, hubDir, hubUrl, hubAliases, allowLoopbackBackends, network };
}

function compileNetwork(options: HostBackendOptions): HostNetwork {
  const network = options.network ?? 'loopback';
  if (network !== 'loopback' && network !== 'netns') throw new InputError('HostBackend', 'network', `must be loopback or netns, got ${JSON.stringify(network)}`);
  if (network === 'netns') {
    const available = netnsAvailable();
    if (!available.ok) throw new InputError('HostBackend', 'network', `netns is not possible here: ${available.reason}`);
  }
  return network;
}

function farmsOf(count: number, farms: readonly number[] | undefined): number[] {
  if (farms === undefined) return Array.from({ length: count }, () => 0);
  if (!farms.every((n) => Number.isInteger(n) && n >= 1) || farms.reduce((a, b) => a + b, 0) !== count) {
    throw new InputError('HostBackend', 'farms', `nodes per farm must be positive integers adding up to ${count}, got ${farms.join('+')}`);
  }
  return farms.flatMap((n, farm) => Array.from({ length: n }, () => farm));
}
