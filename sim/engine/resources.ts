// Server pools in the SimPy sense: a Resource has `capacity` servers and a queue of requests,
// FIFO, by priority, or preemptive (a more urgent request interrupts the least urgent user).

import { SimulationError } from '../errors.js';
import { SimEvent, type Scheduler } from './events.js';
import { Process } from './process.js';

/** A request for one server; succeeds when granted. Release it with resource.release(request). */
/**
 * Its value is undefined, not the request itself: events are thenables, and a promise resolved with
 * a thenable that resolves to itself would never settle. Keep the request to release it.
 */
export class Request extends SimEvent<void> {
  /** Virtual time at which the server was granted (NaN while waiting). */
  grantedAtS = NaN;
  constructor(
    sim: Scheduler,
    readonly resource: Resource,
    readonly priority: number,
    readonly preempt: boolean,
    readonly order: number,
    /** The process that asked, interrupted if the request is preempted. */
    readonly owner: unknown,
  ) {
    super(sim);
  }
}

/** The cause an interrupted user sees when a more urgent request takes its server. */
export interface Preempted {
  readonly reason: 'preempted';
  readonly by: unknown;
  readonly usageSinceS: number;
  readonly resource: Resource;
}

/** Queue disciplines differ only in how the waiting line is kept; see the subclasses. */
export class Resource {
  readonly users: Request[] = [];
  protected waiting: Request[] = [];
  private head = 0;
  private order = 0;

  constructor(readonly sim: Scheduler, readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new SimulationError(`resource capacity ${capacity} must be a whole number ≥ 1`);
  }

  get count(): number {
    return this.users.length;
  }
  get queueLength(): number {
    return this.waiting.length - this.head;
  }

  request(priority = 0, preempt = false): Request {
    const req = new Request(this.sim, this, priority, preempt, this.order++, this.sim.activeProcess);
    if (this.users.length < this.capacity) this.grant(req);
    else if (!this.tryPreempt(req)) this.enqueue(req);
    return req;
  }

  /** Frees the server held by `req`, or withdraws it from the queue if not yet granted. */
  release(req: Request): void {
    const at = this.users.indexOf(req);
    if (at >= 0) {
      this.users.splice(at, 1);
      this.admitNext();
      return;
    }
    this.withdraw(req);
  }

  protected grant(req: Request): void {
    req.grantedAtS = this.sim.nowS;
    this.users.push(req);
    req.succeed();
  }

  /** Only the preemptive discipline preempts. */
  protected tryPreempt(_req: Request): boolean {
    return false;
  }

  protected enqueue(req: Request): void {
    this.waiting.push(req);
  }

  protected dequeue(): Request | undefined {
    if (this.head === this.waiting.length) return undefined;
    const req = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined as unknown as Request;
    // Compact now and then so a long FIFO does not keep its whole history.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return req;
  }

  protected withdraw(req: Request): void {
    const at = this.waiting.indexOf(req, this.head);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private admitNext(): void {
    while (this.users.length < this.capacity) {
      const next = this.dequeue();
      if (next === undefined) return;
      this.grant(next);
    }
  }
}

/** Waiting requests are served by (priority, arrival); lower priority values first. */
export class PriorityResource extends Resource {
  protected override enqueue(req: Request): void {
    // Binary search for the insertion point keeps the line sorted; ties keep arrival order.
    const line = this.waiting;
    let lo = 0;
    let hi = line.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (line[mid]!.priority <= req.priority) lo = mid + 1;
      else hi = mid;
    }
    line.splice(lo, 0, req);
  }

  protected override dequeue(): Request | undefined {
    return this.waiting.shift();
  }

  protected override withdraw(req: Request): void {
    const at = this.waiting.indexOf(req);
    if (at >= 0) this.waiting.splice(at, 1);
  }
}

/**
 * A request with preempt=true and a strictly lower priority value than the least urgent user takes
 * that user's server; the user's process receives an Interrupt whose cause is a Preempted.
 */
export class PreemptiveResource extends PriorityResource {
  protected override tryPreempt(req: Request): boolean {
    if (!req.preempt) return false;
    let victim: Request | undefined;
    for (const user of this.users) {
      // The least urgent user; among equals the most recent one loses (SimPy's rule).
      if (victim === undefined || user.priority > victim.priority || (user.priority === victim.priority && user.order > victim.order)) victim = user;
    }
    if (victim === undefined || victim.priority <= req.priority) return false;
    this.users.splice(this.users.indexOf(victim), 1);
    if (victim.owner instanceof Process && victim.owner.isAlive) {
      const cause: Preempted = { reason: 'preempted', by: req.owner, usageSinceS: victim.grantedAtS, resource: this };
      victim.owner.interrupt(cause);
    }
    this.grant(req);
    return true;
  }
}
