// Blocking pop of up to N items from a list in one round trip (BLMPOP, Redis ≥ 7), falling back to
// BLPOP then LPOP on older servers. Both sides of the call channel wait on lists this way.

import type { Redis } from 'ioredis';

export class ListPopper {
  /** Set once a server refused BLMPOP; from then on two round trips per batch. */
  private legacy = false;

  constructor(private readonly connection: Redis) {}

  /** Up to `count` items, waiting at most `timeoutS` for the first; empty on timeout. */
  async pop(key: string, timeoutS: number, count: number): Promise<string[]> {
    if (!this.legacy) {
      try {
        const popped = await this.connection.blmpop(timeoutS, 1, key, 'LEFT', 'COUNT', count);
        return popped === null ? [] : popped[1];
      } catch (error) {
        if (!/unknown command/i.test((error as Error).message)) throw error;
        this.legacy = true;
      }
    }
    const first = await this.connection.blpop(key, timeoutS);
    if (first === null) return [];
    return [first[1], ...((await this.connection.lpop(key, count - 1)) ?? [])];
  }
}
