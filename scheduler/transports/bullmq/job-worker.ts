// A worker process's BullMQ side: take a job, check its untrusted payload, run the handler against a
// RemoteBackend, report the outcome to the owner. Leaves out the handlers themselves (injected).

import { randomUUID } from 'node:crypto';
import { WaitingError, Worker, type Job, type Telemetry } from 'bullmq';
import { Redis } from 'ioredis';
import type { Backend } from '../../../workers/backend.js';
import { InputError } from '../../../workers/errors.js';
import type { Operation, OperationResult } from '../../../workers/operations.js';
import type { CallChannel } from './call-channel.js';
import { connectionOptions } from './connection.js';
import { channelFor, doneMethod, toWireError, type CallReply, type CallRequest, type JobPayload, type WireOutcome } from './protocol.js';
import { RemoteBackend, type LetGo } from './remote-backend.js';
import { RpcClient } from './rpc-client.js';

export interface JobWorkerOptions {
  readonly redisUrl: string;
  readonly queue?: string;
  /** Jobs at once (default 256); sent with each call, so the owner knows when every slot waits on it. */
  readonly concurrency?: number;
  /** How long a job's lock lives without renewal: a killed worker's job is re-delivered after it. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** Checks the operation again (the payload is untrusted); throws InputError naming the field. */
  readonly validate: (raw: unknown, where: string) => Operation;
  /** `job`: for observers only (a trace's context rides in its options); handlers ignore it. */
  readonly run: (op: Operation, backend: Backend, job: Job) => Promise<OperationResult>;
  /** Warnings (a failed job, a lost connection); the worker keeps serving after each. */
  readonly log?: (line: string) => void;
  /** How calls reach the owner; default: over Redis, as from another process. */
  readonly channel?: CallChannel;
  /**
   * A backend of this worker's own: real hosts, whose state lives on the machines themselves, not
   * in the owner. Handlers call it directly; only the outcome goes to the owner. Default: the owner's
   * backend, reached over the channel.
   */
  readonly backend?: Backend;
  /**
   * The connection BullMQ's commands go on (not the blocking fetch, which gets its own); shared with
   * the owner's queue by local workers (CoordinatorOptions.connection). Default: one of its own.
   */
  readonly connection?: Redis;
  /** Awaited after a job reported to the owner and before BullMQ completes it (BullmqCoordinator.nextAdds). */
  readonly beforeComplete?: () => Promise<void>;
  /** Observers (logs, metrics): given the BullMQ Worker once, to listen to its events; off the job path. */
  readonly watch?: (worker: Worker) => void;
  /** BullMQ's tracing hook (bullmq-otel); absent, BullMQ traces nothing. */
  readonly telemetry?: Telemetry;
}

export interface JobWorker {
  /** Resolves once the worker is connected and taking jobs. */
  ready(): Promise<void>;
  /**
   * Stops taking jobs. Graceful by default: jobs that wait on the owner (which may be for ever, if
   * the owner waits on jobs queued behind them) go back to the queue at once, and it waits for the
   * others to report or to reach their next call. `force` abandons every job instead; BullMQ
   * re-delivers them to another worker once their locks expire. Either way a re-delivered job
   * replays the calls the owner already applied.
   */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const channel = channelFor(options.queue);
  const log = options.log ?? (() => {});
  // Autopipelined: the calls and reports of every job running in one tick leave in one write.
  const pusher = options.channel === undefined ? new Redis(options.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true }) : undefined;
  // Reconnects are reported once through the BullMQ worker's 'error' events below, not per client.
  pusher?.on('error', () => {});
  const client: CallChannel = options.channel ?? new RpcClient(options.redisUrl, channel, pusher!);

  // Unique per delivery: this worker's random prefix and a count (a UUID per job costs more than it buys).
  const tokenPrefix = randomUUID();
  let deliveries = 0;
  const concurrency = options.concurrency ?? 256;
  /** Jobs between taking and reporting, so that close() can let go of them. */
  const live = new Set<RemoteBackend>();
  let closing: 'no' | 'graceful' | 'force' = 'no';

  const processJob = async (job: Job, lockToken?: string): Promise<string> => {
    const where = `job ${job.id ?? '?'}`;
    // Without these three the owner cannot be told anything: the job just fails, naming the field.
    const call = checkAddress(job.data, where);
    let op: Operation;
    let payload: JobPayload;
    let replies: CallReply[];
    try {
      payload = checkRest(job.data as object, where);
      op = options.validate(payload.op, where);
      replies = checkReplies(payload.replies, where);
    } catch (error) {
      // The owner waits for this job: tell it, then fail the job so the error stays visible in Redis.
      await client.done(doneRequest(call, 0, { thrown: toWireError(error) }));
      throw error;
    }
    if (options.backend !== undefined) {
      const outcome = await runHandler(op, options.backend, job);
      await client.done(doneRequest(call, 0, outcome));
      return 'result' in outcome ? outcome.result.state : 'thrown';
    }
    // Written out rather than spread: on Node 20 `{ ...call, more }` costs ~3–5 µs (measured), per job.
    const delivery = { run: call.run, seq: call.seq, attempt: call.attempt, token: `${tokenPrefix}.${++deliveries}`, nowS: payload.nowS, worker: tokenPrefix, slots: concurrency };
    const remote = new RemoteBackend(client, delivery, replies);
    live.add(remote);
    if (closing !== 'no') remote.letGoWhenIdle();
    let first: WireOutcome | LetGo;
    try {
      first = await Promise.race([runHandler(op, remote, job), remote.letGo]);
    } finally {
      live.delete(remote);
    }
    // Parked: the owner queues the rest of the job once its call settles; this slot is free now.
    if (first === 'parked') return 'parked';
    if (first === 'closing') {
      // Back to the queue for another worker now, rather than once its lock expires.
      if (closing === 'graceful' && lockToken !== undefined) await job.moveToWait(lockToken);
      throw new WaitingError();
    }
    await client.done(doneRequest(call, remote.calls, first));
    await options.beforeComplete?.();
    return 'result' in first ? first.result.state : 'thrown';
  };

  const runHandler = async (op: Operation, backend: Backend, job: Job): Promise<WireOutcome> => {
    try {
      return { result: await options.run(op, backend, job) };
    } catch (error) {
      return { thrown: toWireError(error) };
    }
  };

  const worker = new Worker(channel.queue, processJob, {
    connection: options.connection ?? connectionOptions(options.redisUrl),
    concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job re-delivered after a crash is replayed from the owner's log, so several stalls are harmless.
    maxStalledCount: 10,
    removeOnFail: { count: 1000 },
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });
  options.watch?.(worker);
  worker.on('failed', (job, error) => log(`worker: job ${job?.id ?? '?'} failed: ${error.message}`));
  worker.on('error', (error) => log(`worker: ${error.message}`));

  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    async close({ force: asked = false } = {}) {
      // Redis unreachable: a graceful close would never end (BullMQ's QUIT waits in ioredis's offline
      // queue until Redis is back), and there is nobody to hand jobs back to. Their locks expire instead.
      const unreachable = !asked && pusher !== undefined && pusher.status !== 'ready';
      if (unreachable) log('worker: Redis is unreachable: stopping without handing jobs back (their locks expire, then another worker takes them)');
      const force = asked || unreachable;
      closing = force ? 'force' : 'graceful';
      const waiting = [...live].filter((remote) => remote.waiting).length;
      for (const remote of live) remote.letGoWhenIdle();
      if (!force) log(`worker: stopping: ${waiting} job(s) waiting on the owner go back to the queue; ${live.size - waiting} running finish their step`);
      if (force) await client.close();
      await worker.close(force);
      await client.close();
      pusher?.disconnect();
      if (!force) log('worker: stopped');
    },
  };
}

/**
 * The completion report of an attempt, as call `index` (after the calls it made). Written out
 * rather than as `{ ...address, index, … }`: on Node 20 a spread followed by more properties costs
 * ~3–5 µs per object (measured), against ~40 ns for the literal, and this is once per job.
 */
function doneRequest(address: Pick<JobPayload, 'run' | 'seq' | 'attempt'>, index: number, outcome: WireOutcome): Omit<CallRequest, 'replyTo' | 'tag'> {
  return { run: address.run, seq: address.seq, attempt: address.attempt, index, method: doneMethod, args: [outcome] };
}

/** The fields that say which attempt of which run this is. */
function checkAddress(data: unknown, where: string): Pick<JobPayload, 'run' | 'seq' | 'attempt'> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(where, '', 'payload must be an object');
  const d = data as Record<string, unknown>;
  if (typeof d.run !== 'string' || d.run === '') throw new InputError(where, 'run', 'must be a non-empty string');
  if (!Number.isSafeInteger(d.seq) || (d.seq as number) < 0) throw new InputError(where, 'seq', 'must be an integer ≥ 0');
  if (!Number.isSafeInteger(d.attempt) || (d.attempt as number) < 1) throw new InputError(where, 'attempt', 'must be an integer ≥ 1');
  return { run: d.run, seq: d.seq as number, attempt: d.attempt as number };
}

/** A continuation's replies so far (JSON texts from Redis, untrusted): each an ok or failed reply. */
function checkReplies(raw: unknown, where: string): CallReply[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InputError(where, 'replies', 'must be an array');
  return raw.map((text, i) => {
    let reply: unknown;
    try {
      reply = typeof text === 'string' ? JSON.parse(text) : undefined;
    } catch {
      reply = undefined;
    }
    const r = reply as Record<string, unknown> | undefined;
    if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean' || typeof r.nowS !== 'number') {
      throw new InputError(where, `replies[${i}]`, 'must be the JSON text of an owner\'s reply');
    }
    return r as unknown as CallReply;
  });
}

/** The rest of the envelope; the operation inside is checked by validate(). */
function checkRest(data: object, where: string): JobPayload {
  const d = data as Record<string, unknown>;
  if (typeof d.nowS !== 'number' || !Number.isFinite(d.nowS)) throw new InputError(where, 'nowS', 'must be a finite number');
  if (!('op' in d)) throw new InputError(where, 'op', 'is required');
  return d as unknown as JobPayload;
}
