// Redis connection settings from a URL, in the form BullMQ owns (and so closes) itself.
// Leaves out TLS and sentinels: private and lab servers are plain TCP.

import type { ConnectionOptions } from 'bullmq';

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
