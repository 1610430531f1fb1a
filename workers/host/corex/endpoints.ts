// One CoreX server per host zmachine, started on first use and closed when its machine is gone. Each
// listens on corex's port 7681 at its own loopback address (127.A.B.C: all of 127/8 is on `lo`), which
// stands in for the machine's Z-Net address until machines get their own network namespace.

import type { HostZmachine } from '../zmachine/host-zmachine.js';
import { CorexClient } from './client.js';
import { COREX_PORT, CorexServer, type CorexMachine } from './server.js';

/** Loopback addresses for this process: the pid picks A.B, so two workers on one host do not collide. */
function* loopbackAddresses(): Generator<string> {
  const a = (process.pid >> 8) & 255;
  const b = process.pid & 255;
  for (let c = 1; c < 255; c++) yield `127.${a === 0 && b === 0 ? 1 : a}.${b}.${c}`;
}

export class CorexEndpoints {
  private readonly servers = new Map<string, { server: CorexServer; machines: HostZmachine }>();
  private readonly addresses = loopbackAddresses();

  /** The API client for this machine's CoreX, starting its server if it has none yet. */
  async client(workloadId: string, machines: HostZmachine): Promise<CorexClient> {
    let entry = this.servers.get(workloadId);
    if (entry !== undefined && entry.machines !== machines) {
      await entry.server.close();
      entry = undefined;
    }
    if (entry === undefined) {
      const machine = { workloadId, ps: () => machines.ps(workloadId), exec: (line: string) => machines.exec(workloadId, line) };
      entry = { server: await this.listen(machine), machines };
      // HostBackend.close() does not call close() here yet: an idle CoreX must not hold a worker open.
      entry.server.unref();
      this.servers.set(workloadId, entry);
    }
    return new CorexClient(entry.server.url, workloadId);
  }

  /** The machine is gone (deprovisioned, or its node is off): so is its CoreX. */
  async forget(workloadId: string): Promise<void> {
    const entry = this.servers.get(workloadId);
    this.servers.delete(workloadId);
    await entry?.server.close();
  }

  get workloadIds(): string[] {
    return [...this.servers.keys()];
  }

  async close(): Promise<void> {
    await Promise.all(this.workloadIds.map((id) => this.forget(id)));
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
