// Makes concurrent jobs deterministic wherever their code runs (in this process or in worker
// processes over Redis): backend calls are held until no job is running, then started in
// (job sequence, call index) order, and virtual time may advance only while no job is running.

/** A job between begin() and end() is running, or waiting on exactly one held or started call. */
interface JobState {
  running: boolean;
  calls: number;
}

interface HeldCall {
  readonly jobSeq: number;
  readonly index: number;
  readonly start: () => PromiseLike<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class LockstepGate {
  private readonly jobs = new Map<number, JobState>();
  private held: HeldCall[] = [];
  private runningCount = 0;
  private idleWaiters: Array<() => void> = [];
  /** Calls started and not settled yet. */
  private callsRunning = 0;
  private settleWaiters: Array<() => void> = [];

  /** A job starts running its handler (dispatched). */
  begin(jobSeq: number): void {
    if (this.jobs.has(jobSeq)) throw new Error(`job ${jobSeq} began twice`);
    this.jobs.set(jobSeq, { running: true, calls: 0 });
    this.runningCount++;
  }

  /** The job's handler returned or threw; it makes no more calls. */
  end(jobSeq: number): void {
    const job = this.mustRun(jobSeq);
    this.jobs.delete(jobSeq);
    job.running = false;
    this.runningCount--;
    this.flushIfQuiet();
  }

  /**
   * The job asks the backend for something. The call starts once every job is waiting, in job
   * order; the job is running again from the moment its call settles.
   */
  call<T>(jobSeq: number, start: () => PromiseLike<T>): Promise<T> {
    const job = this.mustRun(jobSeq);
    job.running = false;
    this.runningCount--;
    const promise = new Promise<T>((resolve, reject) => {
      this.held.push({ jobSeq, index: job.calls++, start, resolve: resolve as (v: unknown) => void, reject });
    });
    this.flushIfQuiet();
    return promise;
  }

  /** True when no job is running: the clock may move. */
  get quiet(): boolean {
    return this.runningCount === 0;
  }

  get activeJobs(): number {
    return this.jobs.size;
  }

  get runningCalls(): number {
    return this.callsRunning;
  }

  /** Resolves when some started call settles (at once if none is running). */
  whenACallSettles(): Promise<void> {
    if (this.callsRunning === 0) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /** Resolves when no job is running (at once if none is). */
  whenQuiet(): Promise<void> {
    if (this.quiet) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flushIfQuiet(): void {
    if (!this.quiet) return;
    const calls = this.held.sort((a, b) => a.jobSeq - b.jobSeq || a.index - b.index);
    this.held = [];
    for (const call of calls) this.startCall(call);
    if (this.quiet) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private startCall(call: HeldCall): void {
    this.callsRunning++;
    const settle = (ok: boolean, value: unknown): void => {
      this.callsRunning--;
      const waiters = this.settleWaiters;
      this.settleWaiters = [];
      for (const wake of waiters) wake();
      const job = this.jobs.get(call.jobSeq);
      // The job runs again before its continuation does, so the clock cannot move under it.
      if (job !== undefined && !job.running) {
        job.running = true;
        this.runningCount++;
      }
      if (ok) call.resolve(value);
      else call.reject(value);
    };
    let started: PromiseLike<unknown>;
    try {
      started = call.start();
    } catch (error) {
      settle(false, error);
      return;
    }
    started.then(
      (value) => settle(true, value),
      (error) => settle(false, error),
    );
  }

  private mustRun(jobSeq: number): JobState {
    const job = this.jobs.get(jobSeq);
    if (job === undefined) throw new Error(`job ${jobSeq} is not active`);
    if (!job.running) throw new Error(`job ${jobSeq} made a call while another was outstanding`);
    return job;
  }
}
