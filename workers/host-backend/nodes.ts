// One real "node" of a HostBackend: a directory with its own 0-db server (a loopback port kept across
// power cycles), a zmount pool, an flist cache, a zmachine manager and, once asked for, a Web Gateway.
// Leaves out CPU/memory accounting: a host node admits what its processes can do.
// With a namespace attached (network 'netns') it is a host of its own: 0-db runs inside it on the node's
// address at 0-db's port (a process inside it, or this process's server behind a NamespaceRelay), and
// the gateway answers there on port 80 (through a relay) and reaches its backends from inside it (a dialer).

import { mkdirSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { NodeFlistStore } from '../host/flist/index.js';
import { HostGateway } from '../host/gateway/index.js';
import { NamespaceDialer, NamespaceRelay, type NodeNamespace } from '../host/netns/index.js';
import { HostZmachine } from '../host/zmachine/index.js';
import { ZmountPool } from '../host/zmount/index.js';
import { defaultZdbPort } from '../host/listen-defaults.js';
import { zdbRunner, type ZdbMode, type ZdbRunner } from './zdb-runner.js';

/** Loopback: where a node without a namespace is reached. */
const loopback = '127.0.0.1';
/** A gateway's HTTP port on its node's address, as on the grid. */
export const gatewayHttpPort = 80;

export interface HostNodeOptions {
  readonly node: number;
  readonly farm: number;
  readonly dir: string;
  readonly ssdPoolBytes: number;
  /** fdatasync 0-db writes (default false: tests run on tmp dirs and a power cut here is a kill). */
  readonly fsync: boolean;
  readonly allowLoopbackBackends: boolean;
  /** Name proxies of this node's gateway live at `<name>.<domain>`. */
  readonly gatewayDomain: string;
  readonly zdbMode: ZdbMode;
}

export class HostNode {
  readonly node: number;
  readonly farm: number;
  up = false;
  /** Wall seconds (since the backend opened) of the last power change. */
  sinceS = 0;
  zdbPort = 0;
  private zdb: ZdbRunner;
  private ns: NodeNamespace | undefined;
  /** Unix socket paths of this node's relays: `${prefix}zdb.sock`, `${prefix}gw.sock`. */
  private relaySocketPrefix = '';
  private gatewayRelay: NamespaceRelay | undefined;
  /** The gateway's way out: its backend connections start inside the node's namespace. */
  private gatewayDialer: NamespaceDialer | undefined;
  /**
   * Z-Nets this node is a member of, by workload name (a proxy with `network` needs its gateway in it),
   * and how to dial an address inside one: both kept by the Z-Net side (network-ops.ts, workers/host/znet).
   */
  readonly zNetNames: string[] = [];
  zNetConnect: ((host: string, port: number) => Promise<Socket> | undefined) | undefined;
  private pool: ZmountPool | undefined;
  private gatewayServer: HostGateway | undefined;
  private gatewayPort = 0;
  readonly machines: HostZmachine;
  /** Workload ids of the machines deployed here (HostZmachine does not list them). */
  readonly machineSet = new Set<string>();

  constructor(readonly options: HostNodeOptions) {
    this.node = options.node;
    this.farm = options.farm;
    mkdirSync(this.zdbDir, { recursive: true });
    this.zdb = zdbRunner(options.zdbMode, this.zdbDir, options.fsync);
    this.machines = new HostZmachine({ stateDir: join(options.dir, 'machines'), monitorEveryS: 1, stopGraceS: 2 });
  }

  /** Makes this node a namespace of its own; before the first start. */
  attachNamespace(ns: NodeNamespace, relaySocketPrefix: string): void {
    if (this.up) throw new Error(`node ${this.node}: a namespace is attached before the node starts`);
    this.ns = ns;
    this.relaySocketPrefix = relaySocketPrefix;
    this.zdb = zdbRunner(this.options.zdbMode, this.zdbDir, this.options.fsync, { ns, relaySocketPath: `${relaySocketPrefix}zdb.sock` });
  }

  get namespace(): NodeNamespace | undefined {
    return this.ns;
  }

  /** The IP the node's servers answer on: its farm LAN address, or loopback without a namespace. */
  get address(): string {
    return this.ns?.address ?? loopback;
  }

  /** Where a client reaches the gateway: the node's address and port 80 with a namespace, else its loopback port. */
  gatewayEndpoint(): { host: string; port: number } | undefined {
    if (this.gatewayServer === undefined) return undefined;
    return this.gatewayRelay === undefined ? { host: loopback, port: this.gatewayServer.port } : { host: this.address, port: gatewayHttpPort };
  }

  get zdbDir(): string {
    return join(this.options.dir, 'zdb');
  }

  get flistStore(): NodeFlistStore {
    // zos fails a mount while the hub is unreachable even with the metadata cached (as the simulator does).
    return { cacheDir: join(this.options.dir, 'cache'), rootsDir: join(this.options.dir, 'roots'), requireHub: true };
  }

  get zmounts(): ZmountPool {
    if (this.pool === undefined) throw new Error(`node ${this.node}: zmount pool used before start`);
    return this.pool;
  }

  get gateway(): HostGateway | undefined {
    return this.gatewayServer;
  }

  /** Starts the 0-db server (on its old port after the first start) and opens the zmount pool. */
  async start(nowS: number): Promise<void> {
    if (this.up) return;
    // Every namespace has its own ports: each node's 0-db takes 0-db's own, as on the grid.
    this.zdbPort = await this.zdb.start(this.zdbPort !== 0 ? this.zdbPort : this.ns !== undefined ? defaultZdbPort : 0);
    try {
      this.pool = await ZmountPool.open({ dataDir: join(this.options.dir, 'ssd'), poolSizeBytes: this.options.ssdPoolBytes });
    } catch (error) {
      // Nobody would stop a server of a node that never came up.
      await this.zdb.stop(false);
      throw error;
    }
    this.up = true;
    this.sinceS = nowS;
  }

  /** Stops every process of the node: its 0-db server, its machines and its gateway; `kill`: SIGKILL 0-db. */
  async stop(nowS: number, kill = false): Promise<void> {
    if (!this.up) return;
    this.up = false;
    this.sinceS = nowS;
    await this.zdb.stop(kill);
    await this.machines.close();
    this.machineSet.clear();
    await this.closeGateway();
  }

  machineIds(): string[] {
    return [...this.machineSet].sort();
  }

  /** The gateway, started on first use (and after a power cycle, on its old port). */
  async ensureGateway(): Promise<HostGateway> {
    if (this.gatewayServer !== undefined) return this.gatewayServer;
    if (this.ns !== undefined) this.gatewayDialer = await NamespaceDialer.start(this.ns, `${this.relaySocketPrefix}gw-out.sock`);
    const dialer = this.gatewayDialer;
    // A backend inside a Z-Net is dialled from the node's network resource of it, any other from the node.
    const connect = dialer === undefined ? {} : { connect: (host: string, port: number) => this.zNetConnect?.(host, port) ?? dialer.dial(host, port) };
    this.gatewayServer = await HostGateway.start({ port: this.gatewayPort, domain: this.options.gatewayDomain, allowLoopbackBackends: this.options.allowLoopbackBackends, requestTimeoutS: 5, networks: this.zNetNames, ...connect });
    this.gatewayPort = this.gatewayServer.port;
    if (this.ns !== undefined) this.gatewayRelay = await NamespaceRelay.start(this.ns, gatewayHttpPort, this.gatewayPort, `${this.relaySocketPrefix}gw.sock`);
    return this.gatewayServer;
  }

  async closeGateway(): Promise<void> {
    await this.gatewayRelay?.stop();
    this.gatewayRelay = undefined;
    await this.gatewayDialer?.stop();
    this.gatewayDialer = undefined;
    await this.gatewayServer?.close();
    this.gatewayServer = undefined;
  }

  /** A dead HDD: 0-db's data files are gone; the server comes back empty. */
  async wipeZdb(nowS: number): Promise<void> {
    const wasUp = this.up;
    await this.zdb.stop(false);
    this.up = false;
    rmSync(this.zdbDir, { recursive: true, force: true });
    mkdirSync(this.zdbDir, { recursive: true });
    if (wasUp) await this.start(nowS);
  }
}
