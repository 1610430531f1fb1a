// One CoreX server per host zmachine, started on first use and closed when its machine is gone. A
// machine with a Z-Net NIC (its own network namespace) has its CoreX at <Z-Net address>:7681, as in zos,
// reached through a relay in that namespace (znet-listener.ts); its clients dial in through the Z-Net.
// Any other machine's listens on corex's port 7681 at its own loopback address (127.A.B.C: all of
// 127/8 is on `lo`), which stands in for an address the machine does not have.

import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { NodeNamespace } from '../znet/node-namespace.js';
import type { HostZmachine } from '../zmachine/host-zmachine.js';
import { CorexClient, type CorexDial } from './client.js';
import { COREX_PORT, CorexServer, type CorexMachine } from './server.js';
import { ZnetListener } from './znet-listener.js';

/** The CoreX servers' unix sockets, beside the netns and Z-Net owner records. */
export const corexSocketDir = '/run/zos-testbed/corex';

/** Where a machine's CoreX answers in its Z-Net, and how this process opens TCP into that Z-Net. */
export interface CorexZnetReach {
  /** The machine's network namespace; its `address` is the machine's Z-Net address. */
  readonly namespace: NodeNamespace;
  /** A connection from inside the Z-Net (e.g. its network resource's NamespaceDialer.connect). */
  readonly dial: CorexDial;
}

/**
 * Removes the sockets of machines whose namespace is gone: an owner killed before its close left them
 * (the netns and Z-Net sweeps remove its namespaces; a live owner's socket always has its namespace,
 * which is made before the socket and deleted after it). Answers the paths removed.
 */
export function sweepStaleCorexSockets(dir = corexSocketDir): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((f) => f.endsWith('.sock') && !existsSync(`/run/netns/${f.slice(0, -'.sock'.length)}`)).map((f) => `${dir}/${f}`);
  for (const path of stale) rmSync(path, { force: true });
  return stale;
}

interface Entry {
  readonly server: CorexServer;
  readonly machines: HostZmachine;
  readonly listener?: ZnetListener;
  /** The namespace the listener runs in: a machine booted again gets a new one. */
  readonly namespace?: string;
}

/** Loopback addresses for this process: the pid picks A.B, so two workers on one host do not collide. */
function* loopbackAddresses(): Generator<string> {
  const a = (process.pid >> 8) & 255;
  const b = process.pid & 255;
  for (let c = 1; c < 255; c++) yield `127.${a === 0 && b === 0 ? 1 : a}.${b}.${c}`;
}

export class CorexEndpoints {
  private readonly servers = new Map<string, Entry>();
  private readonly addresses = loopbackAddresses();
  private swept = false;

  /**
   * The API client for this machine's CoreX, starting its server if it has none yet; with `reach`, the
   * server answers at the machine's Z-Net address and the client dials it through the Z-Net.
   */
  async client(workloadId: string, machines: HostZmachine, reach?: CorexZnetReach): Promise<CorexClient> {
    let entry = this.servers.get(workloadId);
    if (entry !== undefined && (entry.machines !== machines || entry.namespace !== reach?.namespace.name || entry.listener?.running === false)) {
      await this.forget(workloadId);
      entry = undefined;
    }
    if (entry === undefined) {
      const machine = { workloadId, ps: () => machines.ps(workloadId), exec: (line: string) => machines.exec(workloadId, line) };
      entry = reach === undefined ? { server: await this.listen(machine), machines } : await this.listenInZnet(machine, machines, reach.namespace);
      // HostBackend.close() does not call close() here yet: an idle CoreX must not hold a worker open.
      entry.server.unref();
      this.servers.set(workloadId, entry);
    }
    if (reach === undefined) return new CorexClient(entry.server.url, workloadId);
    return new CorexClient(`http://${reach.namespace.address}:${COREX_PORT}`, workloadId, reach.dial);
  }

  /** The machine is gone (deprovisioned, or its node is off): so is its CoreX. */
  async forget(workloadId: string): Promise<void> {
    const entry = this.servers.get(workloadId);
    this.servers.delete(workloadId);
    await entry?.listener?.stop();
    await entry?.server.close();
  }

  get workloadIds(): string[] {
    return [...this.servers.keys()];
  }

  async close(): Promise<void> {
    await Promise.all(this.workloadIds.map((id) => this.forget(id)));
  }

  /** The server on a unix socket named after the machine's namespace, the relay at its Z-Net address. */
  private async listenInZnet(machine: CorexMachine, machines: HostZmachine, namespace: NodeNamespace): Promise<Entry> {
    mkdirSync(corexSocketDir, { recursive: true, mode: 0o700 });
    // Once per owner, before its first socket: what killed owners left.
    if (!this.swept) {
      sweepStaleCorexSockets();
      this.swept = true;
    }
    const server = await CorexServer.start({ machine, socketPath: `${corexSocketDir}/${namespace.name}.sock` });
    try {
      const listener = await ZnetListener.start(namespace, COREX_PORT, `${corexSocketDir}/${namespace.name}.sock`);
      return { server, machines, listener, namespace: namespace.name };
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  private async listen(machine: CorexMachine): Promise<CorexServer> {
    for (;;) {
      const next = this.addresses.next();
      if (next.done === true) throw new Error('no free loopback address for a CoreX server');
      try {
        return await CorexServer.start({ machine, host: next.value, port: COREX_PORT });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
  }
}
