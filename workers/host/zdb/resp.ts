// RESP2 for the real 0-db server: an incremental request parser with hard size caps, and the reply
// encoders. Leaves out inline (telnet-style) commands and RESP3: 0-db clients send arrays of bulks.

import { maxPayloadBytes } from '../../../sim/storage/zdb/namespace.js';

/** Raised on a request that is not RESP or breaks a cap; the connection is answered and closed. */
export class ProtocolError extends Error {
  /** Requests completed in the same chunk before the bad bytes: they still run. */
  completed: Buffer[][] = [];
}

/**
 * MGET takes at most 1023 keys (DOMAIN 3.1), refused by the command with 0-db's words; the parser's
 * own cap is looser and only bounds how many argument objects one request can make us allocate.
 */
export const maxArgs = 4096;
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
      if (error instanceof ProtocolError) error.completed = done;
      throw error;
    }
  }

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
      if (lineEnd === -1 || lineEnd - pos > maxHeaderLineBytes) {
        if (buf.length - pos > maxHeaderLineBytes) throw new ProtocolError(`invalid ${this.remaining < 0 ? 'multibulk' : 'bulk'} header`);
        this.head = buf.subarray(pos);
        return done;
      }
      const lineStart = pos;
      const value = headerValue(buf, pos, lineEnd, this.remaining < 0 ? '*' : '$');
      pos = lineEnd + 1;
      if (this.remaining < 0) {
        if (value > maxArgs) throw new ProtocolError(`too many arguments (${value} > ${maxArgs})`);
        // `*0` is an empty request; redis skips it, and so do we.
        if (value > 0) this.remaining = value;
        continue;
      }
      if (value > maxPayloadBytes + 1024) throw new ProtocolError(`bulk of ${value} bytes is above the limit`);
      if (this.requestBytes + value > maxRequestBytes) throw new ProtocolError('request too large');
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

/** Parses `*N\r\n` or `$N\r\n` strictly: the marker, digits only, CRLF. */
function headerValue(buf: Buffer, start: number, lf: number, marker: '*' | '$'): number {
  if (buf[start] !== marker.charCodeAt(0)) {
    throw new ProtocolError(`expected '${marker}', got ${JSON.stringify(String.fromCharCode(buf[start]!))}`);
  }
  if (lf - start < 3 || buf[lf - 1] !== CR) throw new ProtocolError(`invalid ${marker === '*' ? 'multibulk' : 'bulk'} length`);
  let value = 0;
  for (let i = start + 1; i < lf - 1; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) throw new ProtocolError(`invalid ${marker === '*' ? 'multibulk' : 'bulk'} length`);
    value = value * 10 + digit;
  }
  return value;
}

function checkCrlf(buf: Buffer, at: number): Buffer {
  if (buf[at] !== CR || buf[at + 1] !== LF) throw new ProtocolError('bulk not terminated by CRLF');
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

/** An array of already-encoded replies. */
export function arrayReply(items: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items]);
}

const crlf = Buffer.from('\r\n');
