// Redis connection settings from a URL, in the form BullMQ owns (and so closes) itself, and a check
// that the server answers before anything waits on it. Leaves out TLS and sentinels: private and lab
// servers are plain TCP.

import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../../../workers/errors.js';

export function connectionOptions(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    db,
    // BullMQ's requirement: a command waits through a reconnect instead of failing the worker.
    maxRetriesPerRequest: null,
  };
}

/** Where a URL came from, for the message: `{ where: 'command line', field: '--redis' }`. */
export interface RedisSource {
  readonly where: string;
  readonly field: string;
}

/**
 * Connects once, without retrying, and PINGs; throws an InputError naming `source` and the address
 * when the server cannot be reached in `timeoutMs` (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, a refused
 * password). Every client after this one retries forever, as BullMQ wants: without this check a
 * wrong address would be retried in silence (or in stack traces) for as long as anyone waits.
 */
export async function checkRedisReachable(redisUrl: string, source: RedisSource, timeoutMs = 5_000): Promise<void> {
  let options: ReturnType<typeof connectionOptions>;
  try {
    options = connectionOptions(redisUrl);
  } catch (error) {
    throw new InputError(source.where, source.field, `not a Redis URL: ${JSON.stringify(redisUrl)} (${(error as Error).message})`);
  }
  const client = new Redis({
    ...(options as object),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // ioredis waits this long for a socket that never opened to close, holding the process open.
    disconnectTimeout: 100,
  });
  // connect() rejects with a bare "Connection is closed"; the cause comes as an 'error' event (and
  // without a listener ioredis would print it as unhandled).
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const e = (cause ?? error) as NodeJS.ErrnoException;
    const reason = typeof e.code === 'string' ? e.code : e.message.replace(/\s+/g, ' ').trim();
    throw new InputError(source.where, source.field, `cannot connect to ${redisUrl} (${reason})`);
  } finally {
    client.disconnect();
  }
}
