// A FIFO holding the newest `limit` items pushed: what a bounded history (BullMQ's removeOnComplete:
// { count }) keeps. Amortised O(1) per push; leaves out what dropping an item means to its owner.

export class NewestKept<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  /** Adds `item`; each item that falls out, oldest first, goes to `dropped`. */
  push(item: T, dropped: (old: T) => void): void {
    const items = this.items;
    items.push(item);
    while (items.length - this.head > this.limit) {
      const old = items[this.head]!;
      items[this.head++] = undefined;
      dropped(old);
    }
    // The dead prefix goes once it is as long as what is kept, so no push copies the array twice.
    if (this.head >= 1024 && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }
}
