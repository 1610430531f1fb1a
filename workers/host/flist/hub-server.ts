// A hub over HTTP (node:http) in front of a DirHub: what `zos-testbed hub` runs.
// Leaves out authentication and TLS: it binds to loopback unless told otherwise.
//
// Protocol:
//   GET|HEAD /blocks/<key>   200 with the block's bytes as stored, 404 if absent
//   PUT      /blocks/<key>   201 stored (200 if it was already there); 400 if the bytes do not
//                            hash to <key>; 413 above 512 KiB
//   POST     /blocks         the server computes the key: 201 {"key": "<key>"}
//   GET|HEAD /flists/<name>  a published metadata file
//   PUT      /flists/<name>  publishes one; 400 unless it parses as a valid flist (format.ts)
// Keys are 64 lowercase hex digits and names one segment: any other path, and any raw path with
// `..`, `//`, `\` or an escaped `.`, `/` or `\`, is refused with 400 before it reaches the disk.
// Blocks are served as stored: the client checks them against their key, so tampering on the
// hub's disk is detected on download (http-hub.ts) rather than hidden here.

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BLOCK_SIZE_BYTES, blockKey, isBlockKey } from './block-key.js';
import { DirHub } from './dir-hub.js';
import { BlockCorruptError } from './errors.js';
import { parseFlist } from './format.js';
import { isFlistName } from './hub.js';
import { MAX_FLIST_BYTES } from './http-hub.js';

import { defaultHubBind, defaultHubPort } from '../listen-defaults.js';

export interface HubServerOptions {
  readonly dir: string;
  /** 0 picks a free port; address() tells which. */
  readonly port?: number;
  readonly bind?: string;
}

/** Requests served, by kind: tests count hub traffic with these. */
export interface HubServerStats {
  requests: number;
  blockGets: number;
  blockHeads: number;
  blockPuts: number;
  flistGets: number;
  flistPuts: number;
  refused: number;
}

class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class HubServer {
  readonly hub: DirHub;
  readonly stats: HubServerStats = { requests: 0, blockGets: 0, blockHeads: 0, blockPuts: 0, flistGets: 0, flistPuts: 0, refused: 0 };
  private readonly server: Server;
  private boundPort: number | undefined;

  constructor(private readonly options: HubServerOptions) {
    this.hub = new DirHub(options.dir);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /**
   * Listens; resolves with the address bound. After close(), listening again takes the same port
   * (even when the first was picked with port 0): a hub that comes back keeps its URL.
   */
  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.boundPort ?? this.options.port ?? defaultHubPort, this.options.bind ?? defaultHubBind, () => {
        this.server.off('error', reject);
        this.boundPort = this.address().port;
        resolve(this.address());
      });
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  address(): { address: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('hub server is not listening');
    return { address: a.address, port: a.port };
  }

  /** The base URL clients pass to HttpHub. */
  get url(): string {
    const { address, port } = this.address();
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  }

  /** Stops accepting, drops idle keep-alive connections, and resolves once all are closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    try {
      await this.route(req, res);
    } catch (error) {
      const status = error instanceof HttpFailure ? error.status : 500;
      if (status < 500) this.stats.refused++;
      // The body may not have been read; closing after the answer keeps the connection sane.
      res.shouldKeepAlive = false;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${error instanceof Error ? error.message : String(error)}\n`);
      req.resume();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [kind, id, rest] = splitPath(req.url ?? '');
    const method = req.method ?? 'GET';
    if (kind === 'blocks' && id === undefined && method === 'POST') return this.postBlock(req, res);
    if (kind === 'blocks' && id !== undefined && rest === undefined) {
      if (!isBlockKey(id)) throw new HttpFailure(400, `bad block key ${JSON.stringify(id)}: must be 64 lowercase hex digits`);
      if (method === 'GET' || method === 'HEAD') {
        this.stats[method === 'GET' ? 'blockGets' : 'blockHeads']++;
        return this.getFile(method, this.hub.blockPath(id), res, `block ${id}`);
      }
      if (method === 'PUT') return this.putBlock(id, req, res);
      throw new HttpFailure(405, `${method} not allowed on a block`);
    }
    if (kind === 'flists' && id !== undefined && rest === undefined) {
      if (!isFlistName(id)) throw new HttpFailure(400, `bad flist name ${JSON.stringify(id)}`);
      if (method === 'GET' || method === 'HEAD') {
        this.stats.flistGets++;
        return this.getFile(method, this.hub.flistPath(id), res, `flist ${id}`);
      }
      if (method === 'PUT') return this.putFlist(id, req, res);
      throw new HttpFailure(405, `${method} not allowed on an flist`);
    }
    throw new HttpFailure(404, `no such resource ${JSON.stringify(req.url)} (try /blocks/<key> or /flists/<name>)`);
  }

  private async getFile(method: string, path: string, res: ServerResponse, what: string): Promise<void> {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpFailure(404, `no ${what}`);
      throw error;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(method === 'HEAD' ? undefined : data);
  }

  private async putBlock(key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.blockPuts++;
    const data = await readLimited(req, BLOCK_SIZE_BYTES);
    const existed = await this.hub.hasBlock(key);
    try {
      await this.hub.putBlock(key, data);
    } catch (error) {
      if (error instanceof BlockCorruptError) throw new HttpFailure(400, error.message);
      throw error;
    }
    res.writeHead(existed ? 200 : 201).end();
  }

  private async postBlock(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.blockPuts++;
    const data = await readLimited(req, BLOCK_SIZE_BYTES);
    const key = blockKey(data);
    await this.hub.putBlock(key, data);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ key }) + '\n');
  }

  private async putFlist(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.flistPuts++;
    const data = await readLimited(req, MAX_FLIST_BYTES);
    try {
      parseFlist(data, `flist ${name}`);
    } catch (error) {
      throw new HttpFailure(400, error instanceof Error ? error.message : String(error));
    }
    await this.hub.putFlist(name, data);
    res.writeHead(201).end();
  }
}

// `..`, `//` and backslashes, plain or percent-escaped, never name anything we serve.
const suspicious = /\.\.|\/\/|\\|%2e|%2f|%5c/i;

/** The raw path's segments after the leading `/`, without the query; refuses traversal outright. */
function splitPath(rawUrl: string): (string | undefined)[] {
  const path = rawUrl.split('?')[0] ?? '';
  if (!path.startsWith('/') || suspicious.test(path)) throw new HttpFailure(400, `refused path ${JSON.stringify(rawUrl)}: no '..', '//', '\\' or escaped separators`);
  const segments = path.slice(1).split('/');
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return [segments[0], segments[1], segments[2]];
}

/** The request body, refusing (413) more than `maxBytes` whether announced or sent. */
function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > maxBytes) return Promise.reject(new HttpFailure(413, `body of ${announced} bytes exceeds ${maxBytes}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        req.removeAllListeners('data');
        reject(new HttpFailure(413, `body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that hangs up mid-body sends neither end nor error.
    req.once('close', () => {
      if (!req.complete) reject(new HttpFailure(400, 'body cut short'));
    });
  });
}
