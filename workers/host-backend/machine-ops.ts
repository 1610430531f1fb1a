// The port's zmachine and CoreX calls on host nodes: each finds the node running the machine and asks
// its HostZmachine. A machine on a node that is off is gone with the node's processes until the node
// boots and restores it. Errors as the simulator's: no machine is E_NOT_FOUND for start/stop and
// "CoreX unreachable" (E_NOT_READY, retryable) for CoreX calls.

import { CorexUnreachableError } from '../../sim/grid/primitives/corex.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import type { HostNode } from './nodes.js';

export class HostMachineOps {
  constructor(private readonly nodes: readonly HostNode[]) {}

  async zmachineStart(workloadId: string): Promise<void> {
    await this.machineNode(workloadId).machines.start(workloadId);
  }

  async zmachineStop(workloadId: string): Promise<void> {
    await this.machineNode(workloadId).machines.stop(workloadId);
  }

  async corexList(workloadId: string): Promise<readonly { pid: number; command: string }[]> {
    return this.corexNode(workloadId).machines.ps(workloadId).map((p) => ({ pid: p.pid, command: p.command }));
  }

  corexStart(workloadId: string, command: string): Promise<number> {
    return this.corexNode(workloadId).machines.exec(workloadId, command);
  }

  async corexKill(workloadId: string, pid: number): Promise<void> {
    await this.corexNode(workloadId).machines.kill(workloadId, pid);
  }

  private corexNode(workloadId: string): HostNode {
    const host = this.nodes.find((n) => n.machineSet.has(workloadId));
    if (host === undefined) throw new CorexUnreachableError(workloadId, 'no such machine');
    return host;
  }

  private machineNode(workloadId: string): HostNode {
    const host = this.nodes.find((n) => n.machineSet.has(workloadId));
    if (host === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
    return host;
  }
}
