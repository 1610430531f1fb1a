// Malformed requests as a 0-db v2.0.7 client sees them (zdbd/redis.c): the reply texts, which ones
// close the connection, and which wedge it. One in-process server on a temporary data dir.

import { createConnection, type Socket } from 'node:net';
import anyTest, { type TestFn } from 'ava';
import { ZdbHostServer } from '../../workers/host/zdb/server.js';
import { removeDataDir, tempDataDir } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ server: ZdbHostServer; port: number; dataDir: string }>;
const MiB = 1024 * 1024;

test.before(async (t) => {
  t.context.dataDir = tempDataDir('zdb-protocol');
  t.context.server = new ZdbHostServer({ dataDir: t.context.dataDir, port: 0, fsync: false });
  t.context.port = (await t.context.server.listen()).port;
});
test.after.always(async (t) => {
  await t.context.server.close();
  removeDataDir(t.context.dataDir);
});

/** A raw connection: send bytes, read what arrives, see whether the server closed. */
class Raw {
  private received = '';
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.received += c.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<Raw> {
    return new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(new Raw(socket)));
    });
  }

  /** Waits until `text` has been received (or the socket closed, or 2 s passed); returns and clears it. */
  async read(text: string): Promise<string> {
    const deadline = Date.now() + 2000;
    while (!this.received.includes(text) && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    const got = this.received;
    this.received = '';
    return got;
  }

  /** Waits up to `ms` for the server to close. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

const ping = '*1\r\n$4\r\nPING\r\n';

test('*0 is answered "Missing arguments", and the connection stays open but wedged on those bytes', async (t) => {
  const raw = await Raw.open(t.context.port);
  t.teardown(() => raw.socket.destroy());
  raw.socket.write(ping + '*0\r\n');
  t.is(await raw.read('Missing arguments'), '+PONG\r\n-Missing arguments\r\n');
  // 0-db never moves past `*0`: each later read is answered with the same error, nothing runs.
  raw.socket.write(ping);
  t.is(await raw.read('Missing arguments'), '-Missing arguments\r\n');
  t.false(raw.closed);
  // Once its 8 KiB request buffer is full, 0-db drops the client.
  raw.socket.write('x'.repeat(8192));
  t.true(await raw.closedWithin(2000));
});

test('*1025 is answered "Too many arguments" and wedges the connection likewise; *1024 is allowed', async (t) => {
  const raw = await Raw.open(t.context.port);
  t.teardown(() => raw.socket.destroy());
  raw.socket.write('*1025\r\n');
  t.is(await raw.read('\r\n'), '-Too many arguments\r\n');
  raw.socket.write(ping);
  t.is(await raw.read('\r\n'), '-Too many arguments\r\n');
  t.false(raw.closed);
  const ok = await Raw.open(t.context.port);
  t.teardown(() => ok.socket.destroy());
  // MGET of 1023 keys: 1024 arguments pass the parser.
  ok.socket.write(`*1024\r\n$4\r\nMGET\r\n${'$1\r\nk\r\n'.repeat(1023)}`);
  t.regex(await ok.read('\r\n'), /^\*1023\r\n/);
});

test('an inline command is answered "Malformed request, array expected" and the connection is closed', async (t) => {
  const raw = await Raw.open(t.context.port);
  t.teardown(() => raw.socket.destroy());
  raw.socket.write('PING\r\n');
  t.is(await raw.read('\r\n'), '-Malformed request, array expected\r\n');
  t.true(await raw.closedWithin(2000));
});

test('a bulk that is not a bulk is answered "Malformed query string" and wedges', async (t) => {
  const raw = await Raw.open(t.context.port);
  t.teardown(() => raw.socket.destroy());
  raw.socket.write('*1\r\n+PING\r\n');
  t.is(await raw.read('\r\n'), '-Malformed query string\r\n');
  t.false(await raw.closedWithin(100));
});

test('a payload of 8 MiB + 1 is answered "Payload too big" while parsing and the connection is closed; 8 MiB is stored', async (t) => {
  const raw = await Raw.open(t.context.port);
  t.teardown(() => raw.socket.destroy());
  raw.socket.write(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${8 * MiB + 1}\r\n`);
  t.is(await raw.read('\r\n'), '-Payload too big\r\n');
  t.true(await raw.closedWithin(2000));
  const ok = await Raw.open(t.context.port);
  t.teardown(() => ok.socket.destroy());
  ok.socket.write(Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${8 * MiB}\r\n`), Buffer.alloc(8 * MiB, 1), Buffer.from('\r\n')]));
  t.is(await ok.read('\r\n'), '$3\r\nbig\r\n');
});
