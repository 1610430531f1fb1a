// RESP2 for the real 0-db server: an incremental request parser with hard size caps, and the reply
// encoders. Leaves out inline (telnet-style) commands and RESP3: 0-db clients send arrays of bulks.
//
// Malformed requests are refused as 0-db's zdbd/redis.c (v2.0.7) refuses them: its texts, and its two
// outcomes, "discard" (reply, then close) and "abnormal" (reply, keep the connection, but never move
// past the bad bytes: see `wedged` in server.ts). Headers are read with atoi(), as 0-db does.

import { maxPayloadBytes } from '../../../sim/storage/zdb/namespace.js';

/**
 * Raised on a request that is not RESP or breaks a cap. `reply` is the error line without '-';
 * `close` is 0-db's RESP_STATUS_DISCARD, otherwise RESP_STATUS_ABNORMAL (the connection wedges).
 */
export class ProtocolError extends Error {
  /** Requests completed in the same chunk before the bad bytes: they still run. */
  completed: Buffer[][] = [];
  /** Bytes from the bad header to the end of the chunk: 0-db keeps them in its 8 KiB buffer. */
  stuckBytes = 0;

  constructor(
    readonly reply: string,
    readonly close = true,
  ) {
    super(reply);
  }
}

/** 0-db's REDIS_BUFFER_SIZE: a wedged connection is dropped once this much is buffered. */
export const wedgeBufferBytes = 8192;

/** 0-db refuses `*N` above this with "Too many arguments" (redis.c, redis_handle_resp_empty). */
export const maxArgs = 1024;
/**
 * One request may carry one 8 MiB payload plus its key and a few small words. Anything larger is
 * refused while parsing, so a client can never make the server buffer more than this per connection.
 */
export const maxRequestBytes = maxPayloadBytes + 64 * 1024;
/** `*1024\r\n` and `$8454144\r\n` are short; a longer header line is garbage. */
const maxHeaderLineBytes = 32;
/** Bulks up to this size are re-read from a joined buffer; larger ones are copied once into place. */
const smallBulkBytes = 4096;
const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;

export class RespParser {
  /** Bytes of an unfinished header line or small bulk, kept for the next chunk. */
  private head: Buffer | null = null;
  private args: Buffer[] = [];
  /** Bulks still expected in the current array; -1 while waiting for an array header. */
  private remaining = -1;
  private requestBytes = 0;
  /** A large bulk (plus its CRLF) being filled across chunks. */
  private body: Buffer | null = null;
  private bodyFilled = 0;

  /** Feeds one chunk; returns the requests it completed. Throws ProtocolError on bad input. */
  push(chunk: Buffer): Buffer[][] {
    const done: Buffer[][] = [];
    try {
      return this.parse(chunk, done);
    } catch (error) {
      if (error instanceof ProtocolError) {
        error.completed = done;
        error.stuckBytes = this.stuckBytes;
      }
      throw error;
    }
  }

  private stuckBytes = 0;

  private parse(chunk: Buffer, done: Buffer[][]): Buffer[][] {
    let buf = this.head === null ? chunk : Buffer.concat([this.head, chunk]);
    this.head = null;
    let pos = 0;
    while (true) {
      if (this.body !== null) {
        const n = Math.min(this.body.length - this.bodyFilled, buf.length - pos);
        buf.copy(this.body, this.bodyFilled, pos, pos + n);
        this.bodyFilled += n;
        pos += n;
        if (this.bodyFilled < this.body.length) return done;
        const body = this.body;
        this.body = null;
        this.addArg(checkCrlf(body, body.length - 2).subarray(0, body.length - 2), done);
        continue;
      }
      if (pos >= buf.length) return done;
      const lineEnd = buf.indexOf(LF, pos);
      this.stuckBytes = buf.length - pos;
      const marker = this.remaining < 0 ? STAR : DOLLAR;
      // 0-db looks at the first byte only once a whole line is there, and waits for one until its
      // 8 KiB buffer is full; a line that long is no header of ours, so it ends in the same refusal.
      if (lineEnd === -1 && buf[pos] !== marker && buf.length - pos < wedgeBufferBytes) {
        this.head = buf.subarray(pos);
        return done;
      }
      if (buf[pos] !== marker) {
        if (marker === STAR) throw new ProtocolError('Malformed request, array expected');
        throw new ProtocolError('Malformed query string', false);
      }
      if (lineEnd === -1 || lineEnd - pos > maxHeaderLineBytes) {
        if (buf.length - pos > maxHeaderLineBytes) throw new ProtocolError(`ERR Protocol error: invalid ${this.remaining < 0 ? 'multibulk' : 'bulk'} header`);
        this.head = buf.subarray(pos);
        return done;
      }
      const lineStart = pos;
      const value = atoi(buf, pos + 1, lineEnd);
      pos = lineEnd + 1;
      if (this.remaining < 0) {
        if (value === 0) throw new ProtocolError('Missing arguments', false);
        if (value > maxArgs) throw new ProtocolError('Too many arguments', false);
        // calloc(-1) fails in 0-db, which answers so and drops the client.
        if (value < 0) throw new ProtocolError('Internal memory error');
        this.remaining = value;
        continue;
      }
      // REDIS_MAX_PAYLOAD, checked on every argument while parsing (redis_handle_resp_header).
      if (value > maxPayloadBytes) throw new ProtocolError('Payload too big');
      // 0-db reads some bytes for a negative length; ours is a refusal of our own, as is the total cap.
      if (value < 0) throw new ProtocolError('ERR Protocol error: invalid bulk length');
      if (this.requestBytes + value > maxRequestBytes) throw new ProtocolError('ERR Protocol error: request too large');
      const available = buf.length - pos;
      if (available >= value + 2) {
        this.addArg(checkCrlf(buf, pos + value).subarray(pos, pos + value), done);
        pos += value + 2;
      } else if (value <= smallBulkBytes) {
        this.head = buf.subarray(lineStart);
        return done;
      } else {
        this.body = Buffer.allocUnsafe(value + 2);
        this.bodyFilled = 0;
      }
    }
  }

  private addArg(arg: Buffer, done: Buffer[][]): void {
    this.requestBytes += arg.length;
    this.args.push(arg);
    if (--this.remaining === 0) {
      done.push(this.args);
      this.args = [];
      this.remaining = -1;
      this.requestBytes = 0;
    }
  }
}

/**
 * C's atoi over buf[start, end): leading blanks, one sign, then digits up to the first non-digit;
 * nothing numeric is 0. 0-db reads both `*N` and `$N` this way, so `*x` means `*0`.
 */
function atoi(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && (buf[i] === 32 || (buf[i]! >= 9 && buf[i]! <= 13))) i++;
  let sign = 1;
  if (i < end && (buf[i] === 43 || buf[i] === 45)) sign = buf[i++] === 45 ? -1 : 1;
  let value = 0;
  for (; i < end && buf[i]! >= 48 && buf[i]! <= 57; i++) value = value * 10 + (buf[i]! - 48);
  return sign * value;
}

/** Ours: 0-db takes whatever two bytes follow a bulk; we refuse anything but CRLF. */
function checkCrlf(buf: Buffer, at: number): Buffer {
  if (buf[at] !== CR || buf[at + 1] !== LF) throw new ProtocolError('ERR Protocol error: bulk not terminated by CRLF');
  return buf;
}

// Replies. Each returns the encoded bytes; the server joins a batch of them into one socket write.

export const okReply = Buffer.from('+OK\r\n');
export const nilReply = Buffer.from('$-1\r\n');
export const pongReply = Buffer.from('+PONG\r\n');

export function simpleReply(text: string): Buffer {
  return Buffer.from(`+${text}\r\n`);
}

/** An error line; CR/LF in the text would end the line early, so they become spaces. */
export function errorReply(text: string): Buffer {
  return Buffer.from(`-${text.replace(/[\r\n]/g, ' ')}\r\n`);
}

export function integerReply(value: number): Buffer {
  return Buffer.from(`:${value}\r\n`);
}

export function bulkReply(value: Buffer | string | null): Buffer {
  if (value === null) return nilReply;
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, crlf]);
}

/** A bulk reply of `length` bytes whose payload is still to be written at `at` (read from disk there). */
export function bulkFrame(length: number): { frame: Buffer; at: number } {
  const header = `$${length}\r\n`;
  const frame = Buffer.allocUnsafe(header.length + length + 2);
  frame.write(header, 0, 'latin1');
  frame[frame.length - 2] = 13;
  frame[frame.length - 1] = 10;
  return { frame, at: header.length };
}

/** An array of already-encoded replies. */
export function arrayReply(items: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items]);
}

const crlf = Buffer.from('\r\n');
