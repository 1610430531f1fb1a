// One RESP2 connection per zdb namespace, SELECTed once, remade after it drops; every command is
// bounded by zstor's operation timeout. Leaves out SECURE (challenge) authentication.

import { Redis } from 'ioredis';
import type { ZstorEndpoint } from './config.js';

/** A backend did not answer or refused: the caller treats its shard as missing. */
export class BackendUnavailable extends Error {
  constructor(
    readonly endpoint: ZstorEndpoint,
    reason: string,
  ) {
    super(`${endpoint.id}: ${reason}`);
  }
}

interface Conn {
  readonly redis: Redis;
  readonly ready: Promise<void>;
  selected: boolean;
  dropped: boolean;
}

export class ZdbPool {
  private readonly conns = new Map<string, Conn>();

  constructor(private readonly opTimeoutMs: number) {}

  /** Runs one command on `endpoint`'s namespace; a dead or refusing backend throws BackendUnavailable. */
  async call(endpoint: ZstorEndpoint, command: string, ...args: (string | Buffer | number)[]): Promise<unknown> {
    const conn = this.conn(endpoint);
    try {
      await conn.ready;
      return await conn.redis.callBuffer(command, ...args);
    } catch (error) {
      // A connection that failed once is dropped, so the next call dials again (the server may be back).
      // So is one whose SELECT failed (the namespace may be created later).
      if (conn.redis.status !== 'ready' || !conn.selected) this.drop(endpoint.id, conn);
      throw new BackendUnavailable(endpoint, error instanceof Error ? error.message : String(error));
    }
  }

  close(): void {
    for (const [id, conn] of this.conns) this.drop(id, conn);
  }

  private conn(endpoint: ZstorEndpoint): Conn {
    const existing = this.conns.get(endpoint.id);
    if (existing !== undefined && existing.redis.status !== 'end' && existing.redis.status !== 'close') return existing;
    if (existing !== undefined) this.drop(endpoint.id, existing);
    const redis = new Redis({
      host: endpoint.host,
      port: endpoint.port,
      // 0-db speaks RESP2 only; ioredis 6 would open with HELLO 3.
      protocol: 2,
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: this.opTimeoutMs,
      commandTimeout: this.opTimeoutMs,
    });
    // Failures surface on the commands; the event would only be noise.
    redis.on('error', () => {});
    const selectArgs = endpoint.password === '' ? [endpoint.namespace] : [endpoint.namespace, endpoint.password];
    const conn: Conn = {
      redis,
      ready: redis.connect().then(async () => {
        await redis.call('SELECT', ...selectArgs);
        conn.selected = true;
      }),
      selected: false,
      dropped: false,
    };
    // Awaited by every call; this only keeps an early failure from being reported as unhandled.
    conn.ready.catch(() => {});
    this.conns.set(endpoint.id, conn);
    return conn;
  }

  private drop(id: string, conn: Conn): void {
    if (this.conns.get(id) === conn) this.conns.delete(id);
    // Every command in flight on a dead connection fails; only the first one needs to hang up.
    if (conn.dropped) return;
    conn.dropped = true;
    conn.redis.disconnect();
  }
}
