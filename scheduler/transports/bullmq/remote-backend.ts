// A Backend whose every call travels to the owner of the simulated state and back: handlers run in
// a worker process unchanged. Leaves out caching: the owner's answer is the only truth.

import type { Backend, GatewayAnswerView, WorkloadView, ZdbValue, ZNetReapplyView } from '../../../workers/backend.js';
import type { Deployment } from '../../../workers/operations.js';
import type { BackendCall } from '../gated-backend.js';
import { fromWireError } from './protocol.js';
import type { CallChannel } from './call-channel.js';

/** One delivery of one job: calls are numbered from 0, which is what makes a re-delivery replayable. */
export interface Delivery {
  readonly run: string;
  readonly seq: number;
  readonly attempt: number;
  /** Unique per delivery, so replies to a dead worker's calls are never read by its successor. */
  readonly token: string;
  /** The owner's clock at dispatch. */
  readonly nowS: number;
}

export class RemoteBackend implements Backend {
  private index = 0;
  private clockS: number;

  constructor(private readonly client: CallChannel, private readonly delivery: Delivery) {
    this.clockS = delivery.nowS;
  }

  /** Calls made so far: the index of the completion report. */
  get calls(): number {
    return this.index;
  }

  /**
   * The owner's clock as of the last reply. Virtual time stands still while this job's handler runs
   * (the lockstep gate), so that is exactly what nowS() would read in-process.
   */
  nowS(): number {
    return this.clockS;
  }

  createDeployment(node: number, deployment: Deployment) { return this.call<{ contractId: number }>('createDeployment', node, deployment); }
  updateDeployment(contractId: number, deployment: Deployment) { return this.call<void>('updateDeployment', contractId, deployment); }
  deleteDeployment(contractId: number) { return this.call<void>('deleteDeployment', contractId); }
  pauseDeployment(contractId: number) { return this.call<void>('pauseDeployment', contractId); }
  resumeDeployment(contractId: number) { return this.call<void>('resumeDeployment', contractId); }
  deployment(contractId: number) {
    return this.call<{ node: number; workloads: readonly WorkloadView[] } | undefined>('deployment', contractId);
  }
  settled(contractId: number, timeoutS: number) { return this.call<readonly WorkloadView[]>('settled', contractId, timeoutS); }
  zdbSet(namespace: string, key: string, value: ZdbValue) { return this.call<string | null>('zdbSet', namespace, key, value); }
  zdbGet(namespace: string, key: string) { return this.call<ZdbValue | null>('zdbGet', namespace, key); }
  zdbDel(namespace: string, key: string) { return this.call<void>('zdbDel', namespace, key); }
  zdbHistory(namespace: string, key: string) {
    return this.call<readonly { value: ZdbValue | null; timestampS: number }[]>('zdbHistory', namespace, key);
  }
  zstorStore(qsfs: string, path: string, sizeBytes: number) { return this.call<void>('zstorStore', qsfs, path, sizeBytes); }
  zstorRetrieve(qsfs: string, path: string) { return this.call<number>('zstorRetrieve', qsfs, path); }
  zstorCheck(qsfs: string, path: string) { return this.call<'cached' | 'uploaded' | 'lost'>('zstorCheck', qsfs, path); }
  zmachineStart(workloadId: string) { return this.call<void>('zmachineStart', workloadId); }
  zmachineStop(workloadId: string) { return this.call<void>('zmachineStop', workloadId); }
  corexList(workloadId: string) { return this.call<readonly { pid: number; command: string }[]>('corexList', workloadId); }
  corexStart(workloadId: string, command: string) { return this.call<number>('corexStart', workloadId, command); }
  corexKill(workloadId: string, pid: number) { return this.call<void>('corexKill', workloadId, pid); }
  flistFetch(node: number, url: string) { return this.call<{ fetchedBytes: number }>('flistFetch', node, url); }
  powerOff(node: number) { return this.call<void>('powerOff', node); }
  powerOn(node: number) { return this.call<void>('powerOn', node); }
  crash(node: number) { return this.call<void>('crash', node); }
  repair(node: number) { return this.call<void>('repair', node); }
  failDisk(node: number, device: 'ssd' | 'hdd', index: number) { return this.call<void>('failDisk', node, device, index); }
  setHub(up: boolean) { return this.call<void>('setHub', up); }
  cutLink(a: number, b: number) { return this.call<void>('cutLink', a, b); }
  healLink(a: number, b: number) { return this.call<void>('healLink', a, b); }
  znetReapply(network: string) { return this.call<ZNetReapplyView>('znetReapply', network); }
  gatewayRequest(host: string) { return this.call<GatewayAnswerView>('gatewayRequest', host); }
  stateHash() { return this.call<string>('stateHash'); }

  private async call<T>(method: BackendCall, ...args: unknown[]): Promise<T> {
    const { run, seq, attempt, token } = this.delivery;
    const reply = await this.client.call({ run, seq, attempt, index: this.index++, method, args }, token);
    this.clockS = reply.nowS;
    if (!reply.ok) throw fromWireError(reply.error, 'owner');
    return reply.value as T;
  }
}
