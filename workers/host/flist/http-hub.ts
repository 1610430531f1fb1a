// A hub reached over HTTP (the protocol of hub-server.ts): GET/HEAD/PUT /blocks/<key>, /flists/<name>.
// Leaves out retries and parallel requests: the block cache asks once per block, and a failure is final.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BLOCK_SIZE_BYTES, blockKey } from './block-key.js';
import { BlockCorruptError, HubMissingError, HubUnreachableError, InputError } from './errors.js';
import { mustBeBlockKey, mustBeFlistName, type FlistHub } from './hub.js';

/** A published flist may be this large; a block never exceeds BLOCK_SIZE_BYTES. */
export const MAX_FLIST_BYTES = 64 * 1024 * 1024;

export interface HttpHubOptions {
  /** Per request, from sending to the last byte of the answer. Default 30 s. */
  readonly timeoutMs?: number;
}

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

export class HttpHub implements FlistHub {
  readonly name: string;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: HttpHubOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new InputError('hub', 'url', `not a URL: ${JSON.stringify(baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError('hub', 'url', `must be http:// or https://, got ${url.protocol}`);
    // A trailing slash lets paths resolve under the base: http://h/hub/ + blocks/k.
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.name = `hub ${url.href}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async getBlock(key: string): Promise<Buffer> {
    mustBeBlockKey(key);
    const answer = await this.send('GET', `blocks/${key}`, `block ${key}`, undefined, BLOCK_SIZE_BYTES);
    if (answer.status === 404) throw new HubMissingError(this.name, `block ${key}`);
    this.mustBeOk(answer, `block ${key}`);
    const actual = blockKey(answer.body);
    if (actual !== key) throw new BlockCorruptError(key, this.name, actual);
    return answer.body;
  }

  async hasBlock(key: string): Promise<boolean> {
    mustBeBlockKey(key);
    const answer = await this.send('HEAD', `blocks/${key}`, `block ${key}`);
    if (answer.status === 404) return false;
    this.mustBeOk(answer, `block ${key}`);
    return true;
  }

  async putBlock(key: string, data: Uint8Array): Promise<void> {
    mustBeBlockKey(key);
    const actual = blockKey(data);
    if (actual !== key) throw new BlockCorruptError(key, 'upload', actual);
    this.mustBeOk(await this.send('PUT', `blocks/${key}`, `block ${key}`, data), `upload of block ${key}`);
  }

  async getFlist(name: string): Promise<Buffer> {
    mustBeFlistName(name);
    const answer = await this.send('GET', `flists/${name}`, `flist ${name}`, undefined, MAX_FLIST_BYTES);
    if (answer.status === 404) throw new HubMissingError(this.name, `flist ${name}`);
    this.mustBeOk(answer, `flist ${name}`);
    return answer.body;
  }

  async putFlist(name: string, data: Uint8Array): Promise<void> {
    mustBeFlistName(name);
    this.mustBeOk(await this.send('PUT', `flists/${name}`, `flist ${name}`, data), `upload of flist ${name}`);
  }

  /** A 4xx other than 404 is our request the hub refused; a 5xx is the hub failing, as good as down. */
  private mustBeOk(answer: Answer, what: string): void {
    if (answer.status >= 200 && answer.status < 300) return;
    const reason = answer.body.toString('utf8', 0, 200).trim();
    if (answer.status >= 500) throw new HubUnreachableError(this.name, `${what} (HTTP ${answer.status}: ${reason})`);
    throw new InputError(this.name, what, `refused with HTTP ${answer.status}: ${reason}`);
  }

  /**
   * One request; network failures and timeouts become HubUnreachableError naming `what`. A kept-alive
   * connection the hub closed meanwhile (it restarted) fails with ECONNRESET before the hub saw the
   * request, so that case, and only that one, is tried once more on a fresh connection (every request
   * here is idempotent).
   */
  private send(method: string, path: string, what: string, body?: Uint8Array, maxBytes = 0, retried = false): Promise<Answer> {
    const url = new URL(path, this.base);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (problem: string): void => reject(new HubUnreachableError(this.name, `${what} (${problem})`));
      // The retry bypasses the pool: other pooled connections may be just as stale.
      const req = request(url, { method, timeout: this.timeoutMs, headers: body ? { 'content-length': body.byteLength } : {}, ...(retried ? { agent: false } : {}) }, (res) => {
        readBody(res, maxBytes).then((data) => resolve({ status: res.statusCode ?? 0, body: data }), (error: Error) => fail(error.message));
      });
      req.once('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.once('error', (error: NodeJS.ErrnoException) => {
        if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(this.send(method, path, what, body, maxBytes, true));
        else fail(error.code ?? error.message);
      });
      req.end(body);
    });
  }
}

/** The whole answer, refusing more than `maxBytes` (a hub is not trusted to bound its answers). */
function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    // Error answers carry a short text even where the success body is empty (HEAD, PUT).
    const limit = Math.max(maxBytes, 4096);
    res.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        res.destroy(new Error(`answer larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error('answer cut short'));
    });
  });
}
