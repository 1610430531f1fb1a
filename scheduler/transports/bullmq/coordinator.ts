// The owner's side of the BullMQ transport: puts each attempt on the queue and answers the backend
// calls its worker sends over Redis, through that attempt's gated backend. Leaves out job rules.

import { randomUUID } from 'node:crypto';
import { Queue, type Telemetry } from 'bullmq';
import { Redis } from 'ioredis';
import type { Backend } from '../../../workers/backend.js';
import type { Operation, OperationResult } from '../../../workers/operations.js';
import { isBackendCall } from '../gated-backend.js';
import { connectionOptions } from './connection.js';
import type { ForeseenCall } from './first-call.js';
import { LocalCallChannel, type CallChannel } from './call-channel.js';
import { fail, parseRequest, toOutcome } from './coordinator-wire.js';
import { ListPopper } from './list-pop.js';
import { channelFor, doneMethod, encodeReply, fromWireError, parkedReply, replyTtlS, toWireError, type CallRequest, type Channel, type JobPayload, type WireOutcome } from './protocol.js';

export interface CoordinatorOptions {
  readonly redisUrl: string;
  readonly queue?: string;
  /**
   * The connection the queue adds on, shared with this process's local workers: Redis runs one
   * connection's commands in order, so a worker's completion written after an add always finds the
   * added job and takes it in the same round trip. Absent: a connection of the queue's own.
   */
  readonly connection?: Redis;
  readonly log?: (line: string) => void;
  /** BullMQ's tracing hook (bullmq-otel): each add is a producer span whose context the job carries. */
  readonly telemetry?: Telemetry;
  /**
   * A job's first backend call as its handler will make it (foreseeFirstCall), for the owner to apply
   * at dispatch, in its lockstep place, instead of waiting for the worker to take the job and send it:
   * virtual time then moves on while the job travels through Redis, and the jobs of many instants are
   * in flight at once. Only where workers call this owner's backend (a simulated grid), never real hosts.
   */
  readonly foresee?: (op: Operation, nowS: number) => ForeseenCall | undefined;
}

/**
 * One attempt's calls so far, so that a re-delivery replays them instead of applying them again.
 * Dropped once the attempt reports back: a later delivery then finds no attempt and applies nothing.
 */
interface AttemptLog {
  /** The attempt's own view of the owner's backend (in-process: the gated backend of its handler). */
  readonly backend: Backend;
  /**
   * By call index: a job makes its calls one at a time from 0 (handleRequest refuses any other
   * order), so an array, lighter than a Map for an attempt that lives as long as its job.
   */
  readonly calls: CallEntry[];
  /** What went on the queue, for continuations. */
  readonly payload: JobPayload;
  readonly kind: Operation['kind'];
  /** Reported back, or abandoned (BullmqCoordinator.abandon): nothing it sends counts any more. */
  finished: boolean;
  /**
   * On the queue (first delivery or a continuation) and not heard from since: it waits for a worker
   * slot, and unless `foreseeing`, the gate counts it as running, so virtual time waits for it.
   */
  unseen: boolean;
  /** Its foreseen first call is running: the gate lets virtual time move, wherever the job is. */
  foreseeing: boolean;
  /** The first call index of the latest delivery: requests below it come from a stale one. */
  resumeFrom: number;
  settle: (outcome: WireOutcome) => void;
}

interface CallEntry {
  /** The encoded reply once the call settled. */
  reply?: string;
  /** Who waits for it: a call re-sent (or re-delivered) while it runs is answered once it settles. */
  waiters: Waiter[];
  /** Its worker let go of the job: once the call settles, the job goes on as a continuation. */
  parked: boolean;
  /** Applied by the owner at dispatch and not yet asked for by a worker: what the worker must ask. */
  foreseen?: ForeseenCall | undefined;
  /** A foreseen call's application, settled once its reply is stored. */
  applying?: Promise<void>;
}

/** Whoever sent a call: delivers the encoded reply to a Redis reply list, or a local worker. */
interface Waiter {
  readonly deliver: (text: string) => void;
  /** The worker whose slot waits, when it said which (workers of this version always do). */
  readonly worker: WorkerSlots | undefined;
  readonly tag: string | undefined;
}

/** One worker's slots as the owner sees them: how many, and how many wait on a call here. */
interface WorkerSlots {
  slots: number;
  waiting: number;
}

const batchSize = 256;
/**
 * With jobs on the queue and calls waiting, and no request at all for this long, the owner lets the
 * waiting jobs go anyway: a worker that died holding slots leaves counts that never fill up.
 */
const stuckMs = 1_000;
/** Adds of one instant from which one addBulk costs less than separate adds (writeInstant). */
const bulkFromAdds = 8;
/** How long a local worker's completion waits for adds that may not come (an idle owner). */
const completerWaitMs = 100;

interface PendingAdd {
  readonly name: string;
  readonly data: JobPayload;
  readonly opts: { jobId: string; removeOnComplete: true; removeOnFail: { count: number } };
}

export class BullmqCoordinator {
  /** Distinguishes this owner's jobs from stale ones of an earlier run on the same queue. */
  readonly run = randomUUID().slice(0, 8);
  readonly channel: Channel;
  private readonly queue: Queue;
  private readonly listener: Redis;
  private readonly replier: Redis;
  private readonly attempts = new Map<string, AttemptLog>();
  private adds: PendingAdd[] = [];
  private completers: Array<() => void> = [];
  private completerTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closing = false;
  /** Calls answered from the log instead of applied again: re-sent calls and re-delivered jobs. */
  private replayed = 0;
  private applied = 0;
  private dispatched = 0;
  private parked = 0;
  private foreseen = 0;
  /** Foreseen calls a worker has asked for since (the rest: jobs not taken yet, or abandoned). */
  private claimed = 0;
  /** Attempts on the queue that no worker has taken yet and virtual time waits for (AttemptLog.unseen, not foreseeing). */
  private blocking = 0;
  private readonly workers = new Map<string, WorkerSlots>();
  private parkCheckPending = false;
  /** Requests so far, and as of the last watchdog tick: equal means nobody talked to the owner. */
  private requests = 0;
  private requestsAtTick = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly loop: Promise<void>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: CoordinatorOptions) {
    this.channel = channelFor(options.queue);
    this.log = options.log ?? (() => {});
    // Not autopipelined: ioredis would hold each add for a setImmediate and build a Pipeline object
    // (a copy of every BullMQ script's method) per batch, and lockstep adds come a few at a time.
    this.queue = new Queue(this.channel.queue, { connection: options.connection ?? connectionOptions(options.redisUrl), ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }) });
    this.listener = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.replier = new Redis(options.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    // A lost connection is retried by each client and reported by the commands that fail meanwhile
    // (the request loop, replies, adds); without listeners ioredis would print every retry's stack.
    this.queue.on('error', (error) => this.log(`owner: queue: ${error.message}`));
    this.listener.on('error', () => {});
    this.replier.on('error', () => {});
    this.loop = this.serve();
  }

  /** What the owner saw: calls applied, and duplicates answered from the log without applying them. */
  stats(): { appliedCalls: number; replayedCalls: number; attempts: number; parkedCalls: number; foreseenCalls: number; claimedCalls: number } {
    return { appliedCalls: this.applied, replayedCalls: this.replayed, attempts: this.dispatched, parkedCalls: this.parked, foreseenCalls: this.foreseen, claimedCalls: this.claimed };
  }

  /**
   * Runs one attempt on some worker, as a handler would in-process: every backend call the worker
   * sends goes to `backend`, and the result (or the error it threw, rebuilt) comes back.
   * `seq` numbers attempts uniquely in this run; `attempt` only informs the worker.
   */
  async execute(seq: number, attempt: number, op: Operation, backend: Backend): Promise<OperationResult> {
    const outcome = await new Promise<WireOutcome>((settle) => {
      this.dispatched++;
      const data: JobPayload = { run: this.run, seq, attempt, nowS: backend.nowS(), op };
      const log: AttemptLog = { backend, calls: [], payload: data, kind: op.kind, finished: false, unseen: false, foreseeing: false, resumeFrom: 0, settle };
      const key = `${seq}:${attempt}`;
      this.attempts.set(key, log);
      const first = this.options.foresee?.(op, data.nowS);
      if (first !== undefined) this.applyForeseen(key, log, first);
      this.enqueue(log, `${this.run}-${seq}-${attempt}`, data);
    });
    if ('thrown' in outcome) throw fromWireError(outcome.thrown, 'worker');
    return outcome.result;
  }

  /** The queue as BullMQ sees it: jobs waiting for a worker, jobs running, workers connected. */
  async queueStatus(): Promise<{ waiting: number; active: number; workers: number }> {
    const [counts, workers] = await Promise.all([this.queue.getJobCounts('waiting', 'active'), this.queue.getWorkersCount()]);
    return { waiting: counts.waiting ?? 0, active: counts.active ?? 0, workers };
  }

  /** The channel a worker in this process uses: its calls skip Redis, nothing else changes. */
  localChannel(): CallChannel {
    return new LocalCallChannel((request, reply) => this.handleRequest(request, reply));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await this.flushing;
    this.wakeCompleters();
    // disconnect, not quit: the listener is blocked in BLPOP.
    this.listener.disconnect();
    await this.loop;
    await this.queue.close();
    await this.replier.quit().catch(() => this.replier.disconnect());
  }

  /**
   * Adds every attempt dispatched in this turn. Without a shared connection: a lone one (a job
   * starting at its own virtual instant, where latency is all) as one script call, a wave as one
   * addBulk (less CPU per job than separate adds). With one, see writeInstant(). When the bulk fails,
   * each is added on its own and retried until Redis takes it; a jobId already stored is not added twice.
   */
  private async flush(): Promise<void> {
    const adds = this.adds;
    this.adds = [];
    this.flushing = undefined;
    const wire = this.options.connection?.stream;
    if (wire !== undefined) return this.writeInstant(wire, adds);
    await (adds.length > 1 ? this.addBulk(adds) : Promise.all(adds.map((add) => this.addOne(add))));
    this.wakeCompleters();
    this.checkParking();
  }

  /**
   * One lockstep instant's writes as one: the adds, then the completions of the local workers that
   * wait in nextAdds(), corked on the shared socket and sent in one writev. Under load a loopback
   * write costs ~0.1–0.2 ms of this process (it wakes Redis), and an instant had one per completion
   * plus one for the adds. BullMQ writes an add two microtasks after it is called, and a completion
   * several after its worker wakes, so the adds go first; Redis runs one connection's commands in
   * order, so each completion finds the added jobs and takes one in the same round trip, without
   * waiting for the adds' replies. (Were a completion written first, its worker would only take its
   * next job through the blocking fetch instead: slower, not wrong.) The setImmediate runs once every
   * such microtask has. A few adds go separately: on a corked socket they cost no extra write, and
   * ioredis builds a Pipeline object (every BullMQ script copied onto it) per addBulk, which only a
   * larger wave pays back.
   */
  private async writeInstant(wire: NonNullable<Redis['stream']>, adds: readonly PendingAdd[]): Promise<void> {
    wire.cork();
    const stored = adds.length >= bulkFromAdds ? this.addBulk(adds) : Promise.all(adds.map((add) => this.addOne(add)));
    this.wakeCompleters();
    setImmediate(() => wire.uncork());
    await stored;
    this.checkParking();
  }

  private async addBulk(adds: readonly PendingAdd[]): Promise<void> {
    try {
      await this.queue.addBulk(adds as PendingAdd[]);
    } catch (error) {
      this.log(`owner: adding ${adds.length} jobs at once: ${(error as Error).message}; adding them one by one`);
      await Promise.all(adds.map((add) => this.addOne(add)));
    }
  }

  /**
   * Resolves once the owner's next adds are written, or after a while if it adds none. A local worker
   * waits for this between reporting a job and completing it in BullMQ: a lockstep wave ends all its
   * jobs just before the next wave is added, and completing after the add lets BullMQ's completion
   * script hand each worker its next job, instead of every worker going idle and being woken for each
   * job (measured: one script less per operation, ~1.7× the throughput). Nothing waits for these
   * completions: the owner has the outcome already, so holding them back delays no operation.
   */
  nextAdds(): Promise<void> {
    return new Promise((resolve) => {
      this.completers.push(resolve);
      this.completerTimer ??= setTimeout(() => this.wakeCompleters(), completerWaitMs);
    });
  }

  /** Lets every worker waiting in nextAdds() complete its job now. */
  wakeCompleters(): void {
    clearTimeout(this.completerTimer);
    this.completerTimer = undefined;
    const completers = this.completers;
    this.completers = [];
    for (const wake of completers) wake();
  }

  private async addOne(add: PendingAdd): Promise<void> {
    for (;;) {
      try {
        await this.queue.add(add.name, add.data, add.opts);
        return;
      } catch (error) {
        // An attempt the owner waits for must reach the queue, or the run would wait forever.
        this.log(`owner: adding job ${add.opts.jobId}: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async serve(): Promise<void> {
    const key = this.channel.requests;
    const popper = new ListPopper(this.listener);
    while (!this.closing) {
      let batch: string[];
      try {
        // Everything waiting in one round trip: the owner is the one every worker waits on.
        batch = await popper.pop(key, 1, batchSize);
      } catch (error) {
        if (this.closing) break;
        this.log(`owner: request channel: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      for (const text of batch) this.handle(text);
    }
  }

  /** Puts one delivery of an attempt on the queue; it counts as unseen until its worker calls. */
  private enqueue(attempt: AttemptLog, jobId: string, data: JobPayload): void {
    this.mark(attempt, true, attempt.foreseeing);
    this.adds.push({ name: attempt.kind, data, opts: { jobId, removeOnComplete: true, removeOnFail: { count: 1000 } } });
    // One add per dispatch: the transport starts every attempt of an instant in one synchronous pass.
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  private markSeen(attempt: AttemptLog, index: number): void {
    if (!attempt.unseen || index < attempt.resumeFrom) return;
    this.mark(attempt, false, attempt.foreseeing);
  }

  /**
   * Sets an attempt's `unseen` and `foreseeing`, keeping count of those that virtual time waits for
   * on the queue: the ones the watchdog and parking are about.
   */
  private mark(attempt: AttemptLog, unseen: boolean, foreseeing: boolean): void {
    const was = attempt.unseen && !attempt.foreseeing;
    attempt.unseen = unseen;
    attempt.foreseeing = foreseeing;
    const is = unseen && !foreseeing;
    if (was === is) return;
    this.blocking += is ? 1 : -1;
    if (is) this.watchdog ??= setInterval(() => this.tick(), stuckMs).unref();
  }

  /**
   * Lets go of every job waiting here once no worker has a free slot and jobs wait on the queue.
   * Virtual time moves only when every running job has called (the LockstepGate), and jobs still
   * on the queue are running as far as the gate knows: had their would-be slots stayed held by jobs
   * waiting on a call, neither side could move (3,000 due jobs on one worker of 256 slots stalled so).
   * A parked job's worker completes its BullMQ job and takes the next; once the call settles, the job
   * goes on as a continuation on the queue. Replies replay unchanged, so the outcome is the same.
   */
  private checkParking(): void {
    if (this.parkCheckPending) return;
    this.parkCheckPending = true;
    // After the batch in hand: a wave's calls arrive together, and the last one may free no slot.
    setImmediate(() => {
      this.parkCheckPending = false;
      if (this.blocking === 0 || this.workers.size === 0) return;
      for (const worker of this.workers.values()) if (worker.waiting < worker.slots) return;
      this.parkWaiting();
    });
  }

  /** The watchdog: jobs on the queue, calls waiting, and nobody has said anything for a while. */
  private tick(): void {
    const quiet = this.requests === this.requestsAtTick;
    this.requestsAtTick = this.requests;
    if (this.blocking === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    if (quiet) {
      const count = this.parkWaiting();
      if (count > 0) this.log(`owner: ${this.blocking} job(s) on the queue and no request for ${stuckMs} ms: let ${count} waiting job(s) go`);
    }
  }

  private parkWaiting(): number {
    let count = 0;
    for (const attempt of this.attempts.values()) {
      for (const entry of attempt.calls) {
        if (entry.reply !== undefined || entry.parked || entry.waiters.length === 0) continue;
        entry.parked = true;
        count++;
        for (const waiter of entry.waiters) this.deliver(waiter, parkedReply);
        entry.waiters = [];
      }
    }
    this.parked += count;
    return count;
  }

  private deliver(waiter: Waiter, text: string): void {
    if (waiter.worker !== undefined) waiter.worker.waiting--;
    waiter.deliver(text);
  }

  /** A parked call settled: the attempt goes on the queue again, with every reply so far. */
  private resume(key: string, attempt: AttemptLog, index: number): void {
    if (this.closing || this.attempts.get(key) !== attempt) return;
    const replies: string[] = [];
    for (let i = 0; i <= index; i++) replies.push(attempt.calls[i]!.reply!);
    attempt.resumeFrom = index + 1;
    const { run, seq, attempt: n, op } = attempt.payload;
    // Every call before a parked one settled before it was made: a job makes one call at a time.
    this.enqueue(attempt, `${run}-${seq}-${n}-r${index + 1}`, { run, seq, attempt: n, nowS: attempt.backend.nowS(), op, replies });
  }

  private workerOf(request: CallRequest): WorkerSlots | undefined {
    if (request.worker === undefined || request.slots === undefined) return undefined;
    let worker = this.workers.get(request.worker);
    if (worker === undefined) {
      worker = { slots: request.slots, waiting: 0 };
      this.workers.set(request.worker, worker);
    }
    worker.slots = request.slots;
    return worker;
  }

  private handle(text: string): void {
    const request = parseRequest(text, this.channel);
    if (typeof request === 'string') return this.log(`owner: dropped a request: ${request}`);
    const { replyTo, tag = '' } = request;
    this.handleRequest(request, replyTo === undefined ? undefined : (reply) => this.reply(replyTo, tag, reply));
  }

  private handleRequest(request: CallRequest, deliver: ((text: string) => void) | undefined): void {
    this.requests++;
    if (request.run !== this.run) return deliver?.(fail(`job ${request.seq} is not of this run`));
    const key = `${request.seq}:${request.attempt}`;
    const attempt = this.attempts.get(key);
    if (attempt === undefined) return deliver?.(fail(`job ${request.seq} attempt ${request.attempt} is not running (never dispatched, or already reported back)`));
    this.markSeen(attempt, request.index);
    if (request.method === doneMethod) {
      if (attempt.finished) return;
      if (attempt.calls[0]?.foreseen === undefined) return this.finish(attempt, request.args[0], key);
      return this.abandon(key, attempt, attempt.calls[0], `job ${request.seq} ended without the call its owner foresaw and applied, ${describe(attempt.calls[0].foreseen)}; it reported ${JSON.stringify(request.args[0]).slice(0, 300)}`);
    }
    const waiter: Waiter | undefined = deliver === undefined ? undefined : { deliver, worker: this.workerOf(request), tag: request.tag };
    const existing = attempt.calls[request.index];
    if (existing !== undefined) {
      if (existing.foreseen !== undefined) return this.claim(key, attempt, existing, request, waiter);
      // A duplicate: a re-sent call, or a re-delivered job replaying. Answer it without applying it again.
      this.replayed++;
      if (waiter === undefined) return;
      // A parked call's job goes on as a continuation: a stale delivery lets go of it too.
      if (existing.parked) return waiter.deliver(parkedReply);
      if (existing.reply !== undefined) return waiter.deliver(existing.reply);
      this.addWaiter(existing, waiter);
      return;
    }
    if (attempt.finished || request.index !== attempt.calls.length) {
      return deliver?.(fail(`job ${request.seq}: call ${request.index} out of order (${attempt.calls.length} made)`));
    }
    const entry: CallEntry = { waiters: [], parked: false };
    if (waiter !== undefined) this.addWaiter(entry, waiter);
    this.start(key, attempt, entry, request.method, request.args);
  }

  /** Applies the next call of an attempt; its waiters get the reply once it settles. */
  private start(key: string, attempt: AttemptLog, entry: CallEntry, method: string, args: readonly unknown[]): Promise<void> {
    const index = attempt.calls.length;
    attempt.calls.push(entry);
    this.applied++;
    return this.apply(attempt.backend, method, args).then((reply) => {
      entry.reply = reply;
      for (const waiter of entry.waiters) this.deliver(waiter, reply);
      entry.waiters = [];
      if (entry.parked) this.resume(key, attempt, index);
    });
  }

  /**
   * The attempt's first call, applied now, as its worker will ask for it: in-process, the handler
   * makes it in this same turn, so the gate starts it in the same place in (job, call) order and it
   * ends at the same instant with the same reply. The JSON round trip gives the backend what a
   * worker's request would. Until the call settles the gate does not wait for the job, wherever it is.
   */
  private applyForeseen(key: string, attempt: AttemptLog, call: ForeseenCall): void {
    this.foreseen++;
    const entry: CallEntry = { waiters: [], parked: false, foreseen: call };
    this.mark(attempt, attempt.unseen, true);
    entry.applying = this.start(key, attempt, entry, call.method, JSON.parse(call.argsText) as unknown[]).then(() => {
      this.mark(attempt, attempt.unseen, false);
      // The job runs again, maybe still on the queue behind slots that wait on calls: see checkParking.
      if (attempt.unseen) this.checkParking();
    });
  }

  /**
   * A worker asks for the call its owner foresaw: from here on it is answered as any call already
   * made. Any other call means the owner applied one the job does not make: the run cannot be the
   * in-process one any more, and stops (a handler that is not a function of its operation and
   * clock, or a worker running other handler code than its owner).
   */
  private claim(key: string, attempt: AttemptLog, entry: CallEntry, request: CallRequest, waiter: Waiter | undefined): void {
    const foreseen = entry.foreseen!;
    if (request.method !== foreseen.method || JSON.stringify(request.args) !== foreseen.argsText) {
      const message = `job ${request.seq}'s first call ${describe({ method: request.method, argsText: JSON.stringify(request.args) })} is not the one its owner foresaw and applied, ${describe(foreseen)}`;
      waiter?.deliver(fail(message));
      return this.abandon(key, attempt, entry, message);
    }
    entry.foreseen = undefined;
    this.claimed++;
    if (waiter === undefined) return;
    if (entry.reply !== undefined) return waiter.deliver(entry.reply);
    this.addWaiter(entry, waiter);
  }

  /** The attempt fails as a programmer error, once its foreseen call has settled (the gate's order). */
  private abandon(key: string, attempt: AttemptLog, entry: CallEntry, message: string): void {
    if (attempt.finished) return;
    entry.foreseen = undefined;
    this.log(`owner: ${message}`);
    void entry.applying!.then(() => this.finish(attempt, { thrown: { message } }, key));
    attempt.finished = true;
  }

  /** A re-sent call (same tag) replaces its earlier waiter: one slot waits, however often it asks. */
  private addWaiter(entry: CallEntry, waiter: Waiter): void {
    const same = waiter.tag === undefined ? -1 : entry.waiters.findIndex((w) => w.tag === waiter.tag);
    if (same >= 0) {
      entry.waiters[same] = { ...waiter, worker: entry.waiters[same]!.worker };
      return;
    }
    entry.waiters.push(waiter);
    if (waiter.worker === undefined) return;
    waiter.worker.waiting++;
    if (waiter.worker.waiting >= waiter.worker.slots && this.blocking > 0) this.checkParking();
  }

  /** Runs the call through the gate: in (job, call) order, with virtual time held around it. */
  private async apply(backend: Backend, method: string, args: readonly unknown[]): Promise<string> {
    if (!isBackendCall(method)) return fail(`unknown backend method ${JSON.stringify(method)}`);
    try {
      const fn = backend[method] as (...args: unknown[]) => Promise<unknown>;
      const value = await fn.apply(backend, [...args]);
      return JSON.stringify({ ok: true, value, nowS: backend.nowS() });
    } catch (error) {
      return JSON.stringify({ ok: false, error: toWireError(error), nowS: backend.nowS() });
    }
  }

  private finish(attempt: AttemptLog, raw: unknown, key: string): void {
    if (this.attempts.get(key) !== attempt) return;
    attempt.finished = true;
    this.mark(attempt, false, attempt.foreseeing);
    this.attempts.delete(key);
    attempt.settle(toOutcome(raw));
  }

  private reply(to: string, tag: string, text: string): void {
    void this.replier.rpush(to, encodeReply(tag, text)).catch((error: Error) => this.log(`owner: reply: ${error.message}`));
    void this.replier.expire(to, replyTtlS).catch(() => {});
  }
}

/** A call for a message: `zdbSet(["ns","k",{"sizeBytes":4096}])`, cut short. */
function describe(call: ForeseenCall | { method: string; argsText: string }): string {
  return `${call.method}(${call.argsText.length > 200 ? `${call.argsText.slice(0, 200)}…` : call.argsText})`;
}
