// The public API: one backend, one transport and the clock they share, behind a small object that
// deploys, submits, waits, streams events and reports state. Leaves out building grids (scenarios/).

import type { Backend } from '../workers/backend.js';
import { handlers as workerHandlers } from '../workers/handlers/index.js';
import type { Deployment, Operation, OperationResult } from '../workers/operations.js';
import { LockstepGate } from './lockstep-gate.js';
import type { JobEvent, JobHandle, Transport } from './transport.js';
import type { VirtualClock } from './transports/inprocess-clock.js';
import { InprocessTransport, type HandlerTable } from './transports/inprocess.js';
import { deployOperations, type DeployOptions } from './testbed-deploy.js';
import { OpStates, type OpState } from './testbed-states.js';

/** What a transport is built from; a factory gets the same pieces the in-process one does. */
export interface TransportContext {
  readonly backend: Backend;
  readonly clock: VirtualClock;
  readonly gate: LockstepGate;
  readonly handlers: HandlerTable;
  readonly seed: string;
  readonly concurrency?: number;
  readonly where: string;
}

export type TransportFactory = (context: TransportContext) => Promise<Transport>;

/**
 * `'inprocess'`; BullMQ on a private redis-server (`'bullmq'`) or on a given Redis (`{ redis }`);
 * or any factory.
 */
export type TransportChoice = 'inprocess' | 'bullmq' | { readonly redis: string } | TransportFactory;

export interface TestbedOptions {
  /** How jobs travel; `'inprocess'` by default. */
  readonly transport?: TransportChoice;
  readonly backend: Backend;
  /** The clock jobs run on; by default the backend's own `clock` (SimBackend has one). */
  readonly clock?: VirtualClock;
  /** The seed the backend was built from: reported by state(), so a run can be replayed. */
  readonly seed: string | number;
  /** One handler per operation kind; workers/handlers by default. */
  readonly handlers?: HandlerTable;
  /** Jobs running at once; unlimited by default. */
  readonly concurrency?: number;
  /** Names the source of operations in validation errors (a file name); `submit` by default. */
  readonly where?: string;
}

export interface TestbedState {
  readonly seed: string;
  /** Digest of the run: the grid's digest and every operation's outcome and finishing instant. */
  readonly stateHash: string;
  /** The backend's digest of the grid alone (time left out): equal hashes mean equal grids. */
  readonly gridHash: string;
  readonly nowS: number;
  /** Every operation submitted, in submission order (a flow's parent before its children). */
  readonly ops: readonly OpState[];
}

export class Testbed {
  private readonly states = new OpStates();
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly transport: Transport,
    private readonly backend: Backend,
    private readonly clock: VirtualClock,
    readonly seed: string,
  ) {
    this.unsubscribe = transport.onEvent((event) => this.states.record(event));
  }

  static async open(options: TestbedOptions): Promise<Testbed> {
    const clock = options.clock ?? (options.backend as Partial<{ clock: VirtualClock }>).clock;
    if (clock === undefined) throw new Error('Testbed.open needs a clock: pass `clock`, or a backend that has one (SimBackend)');
    const seed = String(options.seed);
    const context: TransportContext = {
      backend: options.backend,
      clock,
      gate: new LockstepGate(),
      handlers: options.handlers ?? workerHandlers,
      seed,
      where: options.where ?? 'submit',
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    };
    const transport = await openTransport(options.transport ?? 'inprocess', context);
    return new Testbed(transport, options.backend, clock, seed);
  }

  /**
   * Deploys a zos document. With a node, as a flow: the node fetches the document's flists first
   * (the children), then the deployment is created (the parent), so boot does not wait on the hub.
   */
  deploy(doc: Deployment, options: DeployOptions = {}): Promise<JobHandle> {
    const { parent, children } = deployOperations(doc, options);
    return children.length === 0 ? this.transport.submit(parent) : this.transport.submitFlow(parent, children);
  }

  /** Queues one operation; rejects with an InputError naming the field when it is invalid. */
  submit(op: Operation): Promise<JobHandle> {
    return this.transport.submit(op);
  }

  /** Queues a parent that runs once all its children have completed. */
  submitFlow(parent: Operation, children: readonly Operation[]): Promise<JobHandle> {
    return this.transport.submitFlow(parent, children);
  }

  /** Runs the clock until the job has finished for good, and returns its result. */
  wait(handle: JobHandle): Promise<OperationResult> {
    return this.transport.wait(handle);
  }

  /** Runs the clock until no job is queued, delayed or running. */
  run(): Promise<void> {
    return this.transport.drain();
  }

  /** Every job event (queued, active, retrying, completed, failed); returns an unsubscribe function. */
  on(listener: (event: JobEvent) => void): () => void {
    return this.transport.onEvent(listener);
  }

  async state(): Promise<TestbedState> {
    const gridHash = await this.backend.stateHash();
    return { seed: this.seed, stateHash: this.states.digest(gridHash), gridHash, nowS: this.clock.nowS, ops: this.states.list() };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.transport.close();
  }
}

async function openTransport(choice: TransportChoice, context: TransportContext): Promise<Transport> {
  if (choice === 'inprocess') return new InprocessTransport(context);
  if (typeof choice === 'function') return choice(context);
  // Loaded only when asked for: the Redis clients are not worth loading for in-process runs.
  const { openBullmqTransport } = await import('./transports/bullmq/index.js');
  return openBullmqTransport({ ...context, ...(choice === 'bullmq' ? {} : { redisUrl: choice.redis }) });
}

export type { DeployOptions, JobEvent, JobHandle, OpState };
