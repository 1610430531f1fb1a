// A Backend whose every call travels to the owner of the simulated state and back: handlers run in
// a worker process unchanged. Leaves out caching: the owner's answer is the only truth.

import type { Backend, ConnectView, GatewayAnswerView, WorkloadView, ZdbValue, ZNetReapplyView } from '../../../workers/backend.js';
import type { Deployment } from '../../../workers/operations.js';
import type { BackendCall } from '../gated-backend.js';
import { fromWireError, type CallReply } from './protocol.js';
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
  /** This worker and its concurrency, sent with every call (CallRequest.worker, slots). */
  readonly worker?: string;
  readonly slots?: number;
}

/** Why a worker lets go of a job without an outcome: the owner parked it, or the worker is closing. */
export type LetGo = 'parked' | 'closing';

/**
 * What a handler awaits once its job is let go of: nothing more of it runs or reports. A fresh promise
 * each time: the suspended handler is then reachable from nothing and is collected, where one shared
 * promise would keep every parked handler (and what it holds) alive for the worker's lifetime.
 */
function never(): Promise<never> {
  return new Promise<never>(() => {});
}

export class RemoteBackend implements Backend {
  private index = 0;
  private clockS: number;
  private waitingNow = false;
  private stopping = false;
  private released: LetGo | undefined;
  private release!: (why: LetGo) => void;
  /** Resolves when the job is let go of; its handler's pending call then never settles. */
  readonly letGo = new Promise<LetGo>((resolve) => (this.release = resolve));

  /** `replies`: the replies of a continuation, answered here in order before anything is sent. */
  constructor(private readonly client: CallChannel, private readonly delivery: Delivery, private readonly replies: readonly CallReply[] = []) {
    this.clockS = delivery.nowS;
  }

  /** True while a call waits on the owner. */
  get waiting(): boolean {
    return this.waitingNow;
  }

  /** The worker is closing: let go of the job now if it waits on the owner, else at its next call. */
  letGoWhenIdle(): void {
    this.stopping = true;
    if (this.waitingNow) this.letGoNow('closing');
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
  znetReapply(network: string) { return this.call<ZNetReapplyView>('znetReapply', network); }
  gatewayRequest(host: string) { return this.call<GatewayAnswerView>('gatewayRequest', host); }
  zmachineConnect(workloadId: string, address: string, port: number) { return this.call<ConnectView>('zmachineConnect', workloadId, address, port); }
  stateHash() { return this.call<string>('stateHash'); }

  private async call<T>(method: BackendCall, ...args: unknown[]): Promise<T> {
    const index = this.index++;
    let reply: CallReply;
    if (index < this.replies.length) {
      reply = this.replies[index]!;
    } else {
      if (this.stopping) return this.letGoNow('closing');
      const { run, seq, attempt, token, worker, slots } = this.delivery;
      const request = worker === undefined || slots === undefined
        ? { run, seq, attempt, index, method, args }
        : { run, seq, attempt, index, method, args, worker, slots };
      this.waitingNow = true;
      try {
        reply = await this.client.call(request, token);
      } catch (error) {
        // A job let go of while its call was out: the channel's closing error is nobody's outcome.
        if (this.released !== undefined) return never();
        throw error;
      } finally {
        this.waitingNow = false;
      }
    }
    if (this.released !== undefined) return never();
    if ('parked' in reply) return this.letGoNow('parked');
    this.clockS = reply.nowS;
    if (!reply.ok) throw fromWireError(reply.error, 'owner');
    return reply.value as T;
  }

  private letGoNow(why: LetGo): Promise<never> {
    if (this.released === undefined) {
      this.released = why;
      this.release(why);
    }
    return never();
  }
}
