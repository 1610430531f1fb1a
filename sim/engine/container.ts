// Containers hold a continuous level (bytes of a buffer, joules of a battery) and Stores hold items.
// Both serve puts and gets in strict FIFO order: a blocked head blocks the requests behind it.

import { SimulationError } from '../errors.js';
import { SimEvent, type Scheduler } from './events.js';

interface Pending<T> {
  readonly event: SimEvent<T>;
  readonly amount: number;
}

export class Container {
  private readonly puts: Pending<number>[] = [];
  private readonly gets: Pending<number>[] = [];

  constructor(readonly sim: Scheduler, readonly capacity: number, public level = 0) {
    if (!(capacity > 0)) throw new SimulationError(`container capacity ${capacity} must be > 0`);
    if (!(level >= 0 && level <= capacity)) throw new SimulationError(`container level ${level} outside [0, ${capacity}]`);
  }

  /** Succeeds with the new level once `amount` fits. */
  put(amount: number): SimEvent<number> {
    return this.enqueue(this.puts, amount);
  }

  /** Succeeds with the new level once `amount` is available. */
  get(amount: number): SimEvent<number> {
    return this.enqueue(this.gets, amount);
  }

  private enqueue(line: Pending<number>[], amount: number): SimEvent<number> {
    if (!(amount > 0 && amount <= this.capacity)) throw new SimulationError(`amount ${amount} outside (0, ${this.capacity}]`);
    const event = new SimEvent<number>(this.sim);
    line.push({ event, amount });
    this.settle();
    return event;
  }

  /** Serves the heads of both lines until neither can move. */
  private settle(): void {
    for (let moved = true; moved; ) {
      moved = false;
      const put = this.puts[0];
      if (put !== undefined && this.level + put.amount <= this.capacity) {
        this.level += put.amount;
        this.puts.shift();
        put.event.succeed(this.level);
        moved = true;
      }
      const get = this.gets[0];
      if (get !== undefined && get.amount <= this.level) {
        this.level -= get.amount;
        this.gets.shift();
        get.event.succeed(this.level);
        moved = true;
      }
    }
  }
}

/** A FIFO of items with an optional capacity; get() waits for an item. */
export class Store<T> {
  private readonly items: T[] = [];
  private readonly getters: SimEvent<T>[] = [];
  private readonly putters: { event: SimEvent<number>; item: T }[] = [];

  constructor(readonly sim: Scheduler, readonly capacity = Infinity) {}

  get size(): number {
    return this.items.length;
  }

  put(item: T): SimEvent<number> {
    const event = new SimEvent<number>(this.sim);
    this.putters.push({ event, item });
    this.settle();
    return event;
  }

  get(): SimEvent<T> {
    const event = new SimEvent<T>(this.sim);
    this.getters.push(event);
    this.settle();
    return event;
  }

  private settle(): void {
    for (let moved = true; moved; ) {
      moved = false;
      const putter = this.putters[0];
      if (putter !== undefined && this.items.length < this.capacity) {
        this.items.push(putter.item);
        this.putters.shift();
        putter.event.succeed(this.items.length);
        moved = true;
      }
      const getter = this.getters[0];
      if (getter !== undefined && this.items.length > 0) {
        this.getters.shift();
        getter.succeed(this.items.shift()!);
        moved = true;
      }
    }
  }
}
