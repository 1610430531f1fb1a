// A minimal RESP2 client that keeps each reply's type, as hiredis's redisReply does (status, error,
// integer, bulk string, nil, array): 0-db's own test suite tells "+OK" from "$2\r\nOK" and so must
// its port. Leaves out pipelining beyond one request at a time, and RESP3.

import { createConnection, type Socket } from 'node:net';

export type Reply =
  | { readonly type: 'status'; readonly str: string }
  | { readonly type: 'error'; readonly str: string }
  | { readonly type: 'integer'; readonly integer: number }
  | { readonly type: 'string'; readonly buf: Buffer; readonly str: string }
  | { readonly type: 'nil' }
  | { readonly type: 'array'; readonly elements: Reply[] };

/** Encodes one request as 0-db expects it: an array of bulk strings. */
export function encodeRequest(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One reply from `buf` at `at`, or null when it is not complete yet. */
function parseReply(buf: Buffer, at: number): { reply: Reply; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', at);
  if (lineEnd === -1) return null;
  const line = buf.toString('latin1', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (buf[at]) {
    case 0x2b:
      return { reply: { type: 'status', str: line }, end: next };
    case 0x2d:
      return { reply: { type: 'error', str: line }, end: next };
    case 0x3a:
      return { reply: { type: 'integer', integer: Number(line) }, end: next };
    case 0x24: {
      const n = Number(line);
      if (n < 0) return { reply: { type: 'nil' }, end: next };
      if (buf.length < next + n + 2) return null;
      const b = Buffer.from(buf.subarray(next, next + n));
      return { reply: { type: 'string', buf: b, str: b.toString('latin1') }, end: next + n + 2 };
    }
    case 0x2a: {
      const n = Number(line);
      if (n < 0) return { reply: { type: 'nil' }, end: next };
      const elements: Reply[] = [];
      let end = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, end);
        if (r === null) return null;
        elements.push(r.reply);
        end = r.end;
      }
      return { reply: { type: 'array', elements }, end };
    }
    default:
      throw new Error(`not RESP: ${JSON.stringify(buf.toString('latin1', at, Math.min(buf.length, at + 40)))}`);
  }
}

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((reply: Reply | null) => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with its reply (null if the server closed first). */
  command(...args: (string | Buffer)[]): Promise<Reply | null> {
    this.socket.write(encodeRequest(args));
    return this.next();
  }

  /** The next reply, whenever it comes (a WAIT's answer, a mirrored request). */
  next(timeoutMs = 5000): Promise<Reply | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.drain();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.buffer.length > 0) {
      const parsed = parseReply(this.buffer, 0);
      if (parsed === null) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.waiting.shift()!(parsed.reply);
    }
    if (this.closed) for (const w of this.waiting.splice(0)) w(null);
  }
}
