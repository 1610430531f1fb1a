// The BullMQ Transport: the in-process transport's job rules, clock and gate, with each handler run
// by a worker process over Redis instead of here. The owner keeps the state; workers keep nothing.

import type { Backend } from '../../../workers/backend.js';
import { runOperation } from '../../../workers/handlers/index.js';
import { operationKinds, type Operation, type OperationResult } from '../../../workers/operations.js';
import { validateOperation } from '../../operations/validate.js';
import type { JobEvent, JobHandle, Transport } from '../../transport.js';
import { InprocessTransport, type HandlerTable, type InprocessOptions } from '../inprocess.js';
import { Redis, type RedisOptions } from 'ioredis';
import type { Telemetry } from 'bullmq';
import { connectionOptions } from './connection.js';
import { BullmqCoordinator } from './coordinator.js';
import { foreseeFirstCall } from './first-call.js';
import { startJobWorker, type JobWorker } from './job-worker.js';
import { startPrivateRedis, type PrivateRedisServer } from './private-redis.js';

export interface BullmqTransportOptions extends Omit<InprocessOptions, 'handlers'> {
  /** A Redis to use; absent ⇒ a private redis-server, stopped by close(). */
  readonly redisUrl?: string;
  /** The BullMQ queue; workers must name the same one. */
  readonly queue?: string;
  /**
   * BullMQ workers to run inside this process: they take jobs from Redis as worker processes do,
   * but call the owner directly instead of over the Redis call channel. 0 when `zos-testbed worker`
   * processes serve the queue. Default 1.
   */
  readonly localWorkers?: number;
  /**
   * What local workers run handlers against: by default the owner's `backend` through the gate (a
   * simulated grid). Real hosts hold their own state, so their workers call them directly.
   */
  readonly localBackend?: Backend;
  /** Concurrency of each local worker (default 256). Fewer slots than due jobs still make progress (the owner parks waiting jobs), at one more BullMQ job per parked call. */
  readonly workerConcurrency?: number;
  readonly log?: (line: string) => void;
  /** BullMQ's tracing hook (bullmq-otel) for the owner's queue and its local workers; absent, nothing is traced. */
  readonly telemetry?: Telemetry;
}

export class BullmqTransport implements Transport {
  private constructor(
    private readonly inner: InprocessTransport,
    private readonly coordinator: BullmqCoordinator,
    private readonly workers: readonly JobWorker[],
    /** The connection the queue and local workers share; BullMQ leaves a shared one for us to close. */
    private readonly shared: Redis | undefined,
    private readonly redis: PrivateRedisServer | undefined,
    /** The Redis this transport uses, for worker processes to join. */
    readonly redisUrl: string,
    private readonly stopListening: () => void,
  ) {}

  static async open(options: BullmqTransportOptions): Promise<BullmqTransport> {
    const redis = options.redisUrl === undefined ? await startPrivateRedis() : undefined;
    const redisUrl = options.redisUrl ?? redis!.url;
    const log = options.log ?? (() => {});
    const localCount = options.localWorkers ?? 1;
    // One connection for the owner's adds and every local worker's commands: see CoordinatorOptions.connection.
    const shared = localCount > 0 ? new Redis({ ...(connectionOptions(redisUrl) as RedisOptions) }) : undefined;
    shared?.on('error', () => {});
    // Workers call this owner's backend only when it is a simulated grid: real hosts (a local backend,
    // a wall-paced clock) are called by the workers themselves, so the owner must not call them first.
    const foresee = options.localBackend === undefined && options.clock.realTime !== true;
    const coordinator = new BullmqCoordinator({
      redisUrl, log,
      ...(foresee ? { foresee: (op: Operation, nowS: number) => foreseeFirstCall(runOperation, op, nowS) } : {}),
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(shared === undefined ? {} : { connection: shared }),
      ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    });
    // The in-process transport dispatches in attempt order and calls a handler once per attempt, in
    // that order; its 'active' events come in the same order, so they name each handler call's job.
    const starting: JobEvent[] = [];
    let seq = 0;
    const remote = (op: Operation, backend: Backend): Promise<OperationResult> => {
      const event = starting.shift();
      return coordinator.execute(++seq, event?.attempt ?? 1, op, backend);
    };
    const handlers = Object.fromEntries(operationKinds.map((kind) => [kind, remote])) as unknown as HandlerTable;
    const { redisUrl: _r, queue: _q, localWorkers: _l, workerConcurrency: _c, log: _log, localBackend: _b, telemetry: _t, ...inprocess } = options;
    const inner = new InprocessTransport({ ...inprocess, handlers });
    const stopListening = inner.onEvent((event) => {
      if (event.kind === 'active') starting.push(event);
    });
    const workers: JobWorker[] = [];
    for (let i = 0; i < localCount; i++) {
      workers.push(startJobWorker({
        redisUrl, log, validate: validateOperation, run: runOperation,
        ...(shared === undefined ? {} : { connection: shared }),
        concurrency: options.workerConcurrency ?? 256,
        channel: coordinator.localChannel(),
        beforeComplete: () => coordinator.nextAdds(),
        ...(options.localBackend === undefined ? {} : { backend: options.localBackend }),
        ...(options.queue === undefined ? {} : { queue: options.queue }),
        ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
      }));
    }
    await Promise.all(workers.map((worker) => worker.ready()));
    return new BullmqTransport(inner, coordinator, workers, shared, redis, redisUrl, stopListening);
  }

  submit(op: Operation): Promise<JobHandle> {
    return this.inner.submit(op);
  }

  submitFlow(parent: Operation, children: readonly Operation[]): Promise<JobHandle> {
    return this.inner.submitFlow(parent, children);
  }

  wait(handle: JobHandle): Promise<OperationResult> {
    return this.inner.wait(handle);
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  /** Every job so far, in submission order, as the in-process transport reports them. */
  jobs(): ReturnType<InprocessTransport['jobs']> {
    return this.inner.jobs();
  }

  /**
   * The queue as BullMQ sees it, for a progress line: jobs waiting and running, workers connected
   * (worker processes and the `localWorkers` of this one), and the queue's name and Redis.
   */
  async queueStatus(): Promise<{ queue: string; redisUrl: string; waiting: number; active: number; workers: number; localWorkers: number }> {
    return { queue: this.coordinator.channel.queue, redisUrl: this.redisUrl, localWorkers: this.workers.length, ...(await this.coordinator.queueStatus()) };
  }

  /** Calls the owner applied, and duplicates it answered from its log (re-deliveries after a crash). */
  stats(): ReturnType<BullmqCoordinator['stats']> {
    return this.coordinator.stats();
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.inner.close();
    this.coordinator.wakeCompleters();
    // Forced: a job still in flight here waits on a clock nobody runs any more, so it would never end.
    for (const worker of this.workers) await worker.close({ force: true });
    await this.coordinator.close();
    await this.shared?.quit().catch(() => this.shared?.disconnect());
    await this.redis?.stop();
  }
}

