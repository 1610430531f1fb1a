// A binary min-heap of scheduled callbacks in parallel typed arrays, ordered by (time, key) where
// key = priority·2^42 + sequence. It knows nothing of events or processes; cancellation is lazy.

/** A callback the heap fires with the argument it was scheduled with. */
export type Callback = (arg: any) => void;

const initialCapacity = 1024;

/**
 * Entries live in parallel arrays (not one object per entry) so that pushing an event allocates
 * nothing once the arrays have grown; sifting moves a "hole" instead of swapping.
 */
export class EventHeap {
  private timeS = new Float64Array(initialCapacity);
  private keys = new Float64Array(initialCapacity);
  private fns: (Callback | undefined)[] = new Array(initialCapacity);
  private args: unknown[] = new Array(initialCapacity);
  size = 0;

  /** Filled by pop(): the entry just removed (fields, not a tuple, to avoid an allocation). */
  poppedTimeS = 0;
  poppedKey = 0;
  poppedFn: Callback | undefined = undefined;
  poppedArg: unknown = undefined;

  peekTimeS(): number {
    return this.size === 0 ? Infinity : this.timeS[0]!;
  }

  push(timeS: number, key: number, fn: Callback, arg: unknown): void {
    if (this.size === this.timeS.length) this.grow();
    const times = this.timeS;
    const keys = this.keys;
    let hole = this.size++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const pt = times[parent]!;
      if (pt < timeS || (pt === timeS && keys[parent]! < key)) break;
      this.move(parent, hole);
      hole = parent;
    }
    this.set(hole, timeS, key, fn, arg);
  }

  /** Removes the smallest entry into the popped* fields; the caller checks size first. */
  pop(): void {
    const times = this.timeS;
    const keys = this.keys;
    this.poppedTimeS = times[0]!;
    this.poppedKey = keys[0]!;
    this.poppedFn = this.fns[0];
    this.poppedArg = this.args[0];
    const last = --this.size;
    const t = times[last]!;
    const k = keys[last]!;
    const fn = this.fns[last]!;
    const arg = this.args[last];
    this.fns[last] = undefined;
    this.args[last] = undefined;
    if (last === 0) return;
    let hole = 0;
    const half = last >> 1;
    while (hole < half) {
      let child = 2 * hole + 1;
      const right = child + 1;
      if (right < last) {
        const ct = times[child]!;
        const rt = times[right]!;
        if (rt < ct || (rt === ct && keys[right]! < keys[child]!)) child = right;
      }
      const ct = times[child]!;
      if (t < ct || (t === ct && k < keys[child]!)) break;
      this.move(child, hole);
      hole = child;
    }
    this.set(hole, t, k, fn, arg);
  }

  private move(from: number, to: number): void {
    this.timeS[to] = this.timeS[from]!;
    this.keys[to] = this.keys[from]!;
    this.fns[to] = this.fns[from];
    this.args[to] = this.args[from];
  }

  private set(at: number, timeS: number, key: number, fn: Callback, arg: unknown): void {
    this.timeS[at] = timeS;
    this.keys[at] = key;
    this.fns[at] = fn;
    this.args[at] = arg;
  }

  private grow(): void {
    const capacity = this.timeS.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.timeS);
    const keys = new Float64Array(capacity);
    keys.set(this.keys);
    this.timeS = times;
    this.keys = keys;
    this.fns.length = capacity;
    this.args.length = capacity;
  }

  /** Bytes held per slot by the typed arrays and the two reference arrays (8 bytes a pointer). */
  static readonly bytesPerSlot = 8 + 8 + 8 + 8;
  get capacity(): number {
    return this.timeS.length;
  }
}
