// The port's zmachine and CoreX calls on host nodes: each finds the node running the machine and asks
// its HostZmachine. A machine on a node that is off is gone with the node's processes until the node
// boots and restores it. Errors as the simulator's: no machine is E_NOT_FOUND for start/stop and
// "CoreX unreachable" (E_NOT_READY, retryable) for CoreX calls.

import { CorexUnreachableError } from '../../sim/grid/primitives/corex.js';
import type { CorexClient } from '../host/corex/client.js';
import { CorexEndpoints } from '../host/corex/endpoints.js';
import { InputError } from '../../sim/errors.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import type { HostGridNetworks } from '../host/znet/index.js';
import type { HostNode } from './nodes.js';

/** corex.start takes a command line; corex's API takes argv, so the machine's shell runs the line. */
const SHELL = ['/bin/sh', '-c'];

export class HostMachineOps {
  /** The CoreX calls go through each machine's CoreX HTTP API, as a user's would. */
  private readonly corex = new CorexEndpoints();

  constructor(
    private readonly nodes: readonly HostNode[],
    /** With Z-Nets, a machine's CoreX answers at its Z-Net address and is reached through the Z-Net. */
    private readonly networks: () => HostGridNetworks | undefined = () => undefined,
  ) {}

  async zmachineStart(workloadId: string): Promise<void> {
    await this.machineNode(workloadId).machines.start(workloadId);
  }

  async zmachineStop(workloadId: string): Promise<void> {
    await this.machineNode(workloadId).machines.stop(workloadId);
  }

  /** The processes corex reports running, the line given to corex.start in place of `/bin/sh -c LINE`. */
  async corexList(workloadId: string): Promise<readonly { pid: number; command: string }[]> {
    const shell = `${SHELL.join(' ')} `;
    return (await (await this.corexClient(workloadId)).processes())
      .filter((p) => p.state === 'running' || p.state === 'stopping')
      .map((p) => ({ pid: p.pid, command: p.command.startsWith(shell) ? p.command.slice(shell.length) : p.command }));
  }

  async corexStart(workloadId: string, command: string): Promise<number> {
    if (typeof command !== 'string' || command.trim() === '') throw new InputError('corex', 'command', 'must be a non-empty string');
    return (await (await this.corexClient(workloadId)).start([...SHELL, command])).pid;
  }

  async corexKill(workloadId: string, pid: number): Promise<void> {
    if (!Number.isInteger(pid) || pid <= 0) throw new InputError('corex', 'pid', 'must be a positive integer');
    await (await this.corexClient(workloadId)).killPid(pid);
  }

  /** Where a browser reaches the machine's CoreX (its process list; /attach/<id> for a terminal). */
  async corexUrl(workloadId: string): Promise<string> {
    return (await this.corexClient(workloadId)).baseUrl;
  }

  /** Closes every CoreX server; the owner calls it on close. */
  close(): Promise<void> {
    return this.corex.close();
  }

  private async corexClient(workloadId: string): Promise<CorexClient> {
    // A machine that left every node took its CoreX with it.
    for (const id of this.corex.workloadIds) if (!this.nodes.some((n) => n.machineSet.has(id))) await this.corex.forget(id);
    const host = this.nodes.find((n) => n.machineSet.has(workloadId));
    if (host === undefined) throw new CorexUnreachableError(workloadId, 'no such machine');
    return this.corex.client(workloadId, host.machines, await this.networks()?.machineReach(workloadId));
  }

  private machineNode(workloadId: string): HostNode {
    const host = this.nodes.find((n) => n.machineSet.has(workloadId));
    if (host === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
    return host;
  }
}
