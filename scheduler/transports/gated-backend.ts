// A Backend that routes every call of one job through the LockstepGate, so calls start in (job,
// call) order and virtual time holds while the job runs. Both transports wrap their backend with it.

import type { Backend } from '../../workers/backend.js';
import type { LockstepGate } from '../lockstep-gate.js';

/** Every asynchronous Backend method; `nowS` is a plain read and needs no gate. */
export type BackendCall = Exclude<keyof Backend, 'nowS'>;

export const backendCalls = [
  'createDeployment', 'updateDeployment', 'deleteDeployment', 'pauseDeployment', 'resumeDeployment',
  'deployment', 'settled',
  'zdbSet', 'zdbGet', 'zdbDel', 'zdbHistory',
  'zstorStore', 'zstorRetrieve', 'zstorCheck',
  'zmachineStart', 'zmachineStop', 'corexList', 'corexStart', 'corexKill', 'flistFetch',
  'znetReapply', 'gatewayRequest', 'zmachineConnect',
  'stateHash',
] as const satisfies readonly BackendCall[];

// A method added to Backend but not listed above fails type checking here, instead of silently
// bypassing the gate at run time.
type Unlisted = Exclude<BackendCall, (typeof backendCalls)[number]>;
const everyCallListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCallListed;

const callNames = new Set<string>(backendCalls);

export function isBackendCall(name: unknown): name is BackendCall {
  return typeof name === 'string' && callNames.has(name);
}

/**
 * One call of job `jobSeq`, held by the gate until no job is running. The BullMQ owner uses this
 * for calls that arrive over the wire by method name; the arguments are the caller's to check.
 */
export function gatedCall(gate: LockstepGate, jobSeq: number, backend: Backend, method: BackendCall, args: readonly unknown[]): Promise<unknown> {
  const fn = backend[method] as (...a: unknown[]) => Promise<unknown>;
  return gate.call(jobSeq, () => fn.apply(backend, [...args]));
}

/** One job's view; its methods live on the prototype, so a job costs one small object, not a closure per method. */
class GatedBackend {
  constructor(
    readonly backend: Backend,
    readonly gate: LockstepGate,
    readonly jobSeq: number,
  ) {}

  nowS(): number {
    return this.backend.nowS();
  }
}

for (const method of backendCalls) {
  Object.defineProperty(GatedBackend.prototype, method, {
    value(this: GatedBackend, ...args: unknown[]) {
      return gatedCall(this.gate, this.jobSeq, this.backend, method, args);
    },
  });
}

/** The backend as job `jobSeq` sees it: the same answers, each started in lockstep order. */
export function gatedBackend(backend: Backend, gate: LockstepGate, jobSeq: number): Backend {
  return new GatedBackend(backend, gate, jobSeq) as unknown as Backend;
}
