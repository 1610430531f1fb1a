// Proves the private redis helper: a server per file that ioredis and BullMQ can use, gone after stop().
// Leaves out BullMQ semantics beyond one round trip; the transport conformance suite covers those.

import anyTest, { type TestFn } from 'ava';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import { startRedis, useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

test('the private server answers PING through ioredis', async (t) => {
  const { port, url } = t.context.redis;
  t.is(url, `redis://127.0.0.1:${port}`);
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
  try {
    t.is(await client.ping(), 'PONG');
  } finally {
    await client.quit();
  }
});

test('a BullMQ queue and worker round-trip 5 jobs on it', async (t) => {
  const connection = { host: '127.0.0.1', port: t.context.redis.port, maxRetriesPerRequest: null };
  // Tests in one file share the server, so the queue name is unique to this test.
  const name = 'infra-round-trip';
  const queue = new Queue<{ n: number }, number>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const worker = new Worker<{ n: number }, number>(name, async (job) => job.data.n * 2, { connection, concurrency: 2 });
  try {
    await events.waitUntilReady();
    const jobs = await queue.addBulk([1, 2, 3, 4, 5].map((n) => ({ name: 'double', data: { n } })));
    const results = await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 10_000)));
    t.deepEqual(results, [2, 4, 6, 8, 10]);
  } finally {
    // Every handle must close, or the ava worker never exits (TOOLCHAIN gotcha 10).
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

test('stop() leaves no server behind and may be called twice', async (t) => {
  const redis = await startRedis();
  t.true(await accepts(redis.port), 'the server accepts connections while running');
  await redis.stop();
  await redis.stop();
  t.false(await accepts(redis.port), 'nothing listens on the port after stop()');
});

/** Whether a TCP connection to the port succeeds; a refused one means no server is there. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
