// Malformed RESP against a real 0-db server: random bytes and mutated valid requests (fast-check)
// get an error reply or a wait for more bytes, never a crash; memory stays bounded under abuse.

import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import anyTest, { type TestFn } from 'ava';
import fc from 'fast-check';
import { client, removeDataDir, reply, startZdb, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ zdb: ZdbProcess }>;
const seed = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 150);
const MiB = 1024 * 1024;

test.before(async (t) => {
  t.context.zdb = await startZdb();
});
test.after.always(async (t) => {
  const zdb = t.context.zdb as ZdbProcess | undefined;
  if (zdb === undefined) return;
  t.is(await zdb.stop(), 0);
  removeDataDir(zdb.dataDir);
});

/** Sends raw bytes on a fresh connection and collects what comes back until close or `waitMs`. */
function exchange(port: number, bytes: Uint8Array | Buffer, waitMs = 60): Promise<{ reply: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    let closedByServer = false;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply, closedByServer });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (c: Buffer) => (reply += c.toString('latin1')));
    socket.on('end', () => ((closedByServer = true), done()));
    socket.on('error', () => ((closedByServer = true), done()));
    socket.write(bytes);
  });
}

function encode(args: readonly (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

const commandNames = ['SET', 'GET', 'MGET', 'DEL', 'EXISTS', 'CHECK', 'SCAN', 'RSCAN', 'KEYCUR', 'KSCAN', 'LENGTH', 'KEYTIME', 'HISTORY', 'DBSIZE', 'INFO', 'PING', 'TIME', 'NSNEW', 'NSINFO', 'NSLIST', 'NSSET', 'NSJUMP', 'RELOAD', 'FLUSH', 'HOOKS', 'INDEX', 'DATA', 'SELECT'];
const validFrame = fc
  .tuple(fc.constantFrom(...commandNames), fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }))
  .map(([name, args]) => encode([name, ...args]));
/** A mutation: flip a byte, cut the frame, insert junk, or repeat it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(frame: Buffer, m: Mutation): Buffer {
  const at = 'at' in m ? m.at % (frame.length + 1) : 0;
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(frame);
      if (at < copy.length) copy[at] = copy[at]! ^ m.xor;
      return copy;
    }
    case 'cut':
      return frame.subarray(0, at);
    case 'insert':
      return Buffer.concat([frame.subarray(0, at), m.junk, frame.subarray(at)]);
    case 'repeat':
      return Buffer.concat(Array.from({ length: m.times }, () => frame));
  }
}

/** Every reply is RESP: each line the server sent starts with a type byte (or is bulk payload). */
function looksLikeResp(reply: string): boolean {
  return reply === '' || /^[+\-:$*]/.test(reply);
}

/** The server process's resident set, from /proc (INFO has 0-db's fields only). */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

test.serial('random bytes and mutated requests get RESP replies (or a wait), and the server keeps answering PING', async (t) => {
  t.log(`fast-check seed=${seed} numRuns=${numRuns} (replay: FC_SEED=${seed})`);
  const { port } = t.context.zdb;
  const probe = client(port);
  t.teardown(() => probe.disconnect());
  const rssBefore = await rssBytes(t.context.zdb.pid);
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.tuple(validFrame, fc.array(mutation, { maxLength: 3 })).map(([f, ms]) => ms.reduce(mutate, f))), async (bytes) => {
      const { reply } = await exchange(port, bytes);
      if (!looksLikeResp(reply)) throw new Error(`not RESP: ${JSON.stringify(reply.slice(0, 80))}`);
      if ((await probe.ping()) !== 'PONG') throw new Error('server stopped answering');
    }),
    { seed, numRuns },
  );
  const rssAfter = await rssBytes(t.context.zdb.pid);
  t.log(`rss ${(rssBefore / MiB).toFixed(0)} MiB → ${(rssAfter / MiB).toFixed(0)} MiB`);
  t.true(rssAfter < rssBefore + 64 * MiB);
});

test.serial('non-RESP input gets 0-db\'s error reply and the connection is closed', async (t) => {
  const { reply, closedByServer } = await exchange(t.context.zdb.port, Buffer.from('HELLO WORLD\r\n'), 2000);
  t.is(reply, '-Malformed request, array expected\r\n');
  t.true(closedByServer);
  const bad = await exchange(t.context.zdb.port, Buffer.from('*2\r\n$3\r\nGET\r\n$-1\r\n'), 2000);
  t.regex(bad.reply, /^-ERR Protocol error: invalid bulk length/);
});

test.serial('a request above the 8 MiB cap is refused while parsing, before it is buffered', async (t) => {
  const { port } = t.context.zdb;
  const declared = await exchange(port, Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${64 * MiB}\r\n`), 2000);
  t.is(declared.reply, '-Payload too big\r\n');
  t.true(declared.closedByServer);
  // Many bulks that are each allowed but together exceed the cap.
  const many = Buffer.concat([Buffer.from('*1000\r\n'), ...Array.from({ length: 3 }, () => encode(['x']).subarray(4)), Buffer.from(`$${4 * MiB}\r\n`)]);
  const chunks = [many, Buffer.alloc(4 * MiB), Buffer.from(`\r\n$${5 * MiB}\r\n`)];
  const total = await exchange(port, Buffer.concat(chunks), 3000);
  t.regex(total.reply, /request too large/);
});

test.serial('many connections each holding a partial 8 MiB request leave memory bounded', async (t) => {
  const { port } = t.context.zdb;
  const rssBefore = await rssBytes(t.context.zdb.pid);
  // 16 clients each send 7 MiB of a declared 8 MiB value and stop: the server holds 16 × 8 MiB.
  const sockets = await Promise.all(
    Array.from({ length: 16 }, () => new Promise<import('node:net').Socket>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.write(Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${8 * MiB}\r\n`), Buffer.alloc(7 * MiB, 1)]));
        resolve(s);
      });
      s.on('error', () => {});
    })),
  );
  await new Promise((r) => setTimeout(r, 500));
  const rssHeld = await rssBytes(t.context.zdb.pid);
  for (const s of sockets) s.destroy();
  t.log(`rss ${(rssBefore / MiB).toFixed(0)} → ${(rssHeld / MiB).toFixed(0)} MiB with 16 partial 8 MiB requests`);
  // They were held (not dropped), and no more than one request's worth each.
  t.true(rssHeld > rssBefore + 16 * 4 * MiB);
  t.true(rssHeld < rssBefore + 16 * 9 * MiB + 64 * MiB);
  const probe = client(port);
  t.teardown(() => probe.disconnect());
  t.is(await probe.ping(), 'PONG');
});

test.serial('a client that pipelines GETs of 8 MiB values without reading them does not make the server hold them all', async (t) => {
  const { port } = t.context.zdb;
  const writer = client(port);
  t.teardown(() => writer.disconnect());
  await writer.call('SET', 'big-value', Buffer.alloc(8 * MiB, 7));
  const rssBefore = await rssBytes(t.context.zdb.pid);
  const gets = 48;
  const socket = createConnection({ port, host: '127.0.0.1' });
  t.teardown(() => socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  socket.pause();
  socket.write(Buffer.concat(Array.from({ length: gets }, () => encode(['GET', 'big-value']))));
  await new Promise((r) => setTimeout(r, 800));
  const rssHeld = await rssBytes(t.context.zdb.pid);
  t.log(`rss ${(rssBefore / MiB).toFixed(0)} → ${(rssHeld / MiB).toFixed(0)} MiB with ${gets} unread 8 MiB replies (${gets * 8} MiB)`);
  t.true(rssHeld < rssBefore + 160 * MiB);
  // Once the client reads, every reply arrives.
  let received = 0;
  const expected = gets * (8 * MiB + `$${8 * MiB}\r\n`.length + 2);
  await new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      received += c.length;
      if (received >= expected) resolve();
    });
    socket.resume();
  });
  t.is(received, expected);
  t.deepEqual(await reply(writer, 'MGET', ...Array.from({ length: 9 }, () => 'big-value')), { error: 'Reply too large, use fewer keys' });
});
