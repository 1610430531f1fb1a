// CoreX over the web for one host zmachine: corex's HTTP API (GET /api/processes, /api/process/start,
// stop, kill, logs, clean; src/http.c in threefoldtech/corex @ a68ba9a) and its web terminal (page at
// /attach/<id>, websocket /ws/<id> with subprotocol `tty`, src/protocol.c) on corex's port 7681
// (src/server.c main: info.port = 7681). Leaves out basic auth, SSL, chroot and zmodem.
// Our extensions: the machine's entrypoint is listed too (in zos corex replaces it); a machine that is
// not running answers 503 with corex's error JSON; /xterm/* serves xterm.js from node_modules.

import { readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { constants as osConstants, hostname } from 'node:os';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CorexUnreachableError } from '../../../sim/grid/primitives/corex.js';
import { InputError } from '../../../sim/errors.js';
import { WorkerError } from '../../errors.js';
import type { CorexProcessView } from '../zmachine/corex.js';
import { attachPage, homePage } from './page.js';
import type { PtyExit, PtyProcess } from './pty.js';

/** corex's default port (README and src/server.c). */
export const COREX_PORT = 7681;
/** corex's reconnect default (src/server.c tty_server_new: reconnect = 10). */
const RECONNECT_S = 10;

/** What the server needs from its machine: HostZmachine's calls bound to one workload. */
export interface CorexMachine {
  readonly workloadId: string;
  /** Throws CorexUnreachableError when the machine does not run. */
  ps(): readonly CorexProcessView[];
  exec(commandLine: string): Promise<number>;
}

type State = 'running' | 'stopping' | 'stopped' | 'crashed';

interface ProcessRecord {
  readonly id: number;
  readonly pid: number;
  readonly command: string;
  readonly tty: PtyProcess | undefined;
  state: State;
  exit?: PtyExit;
}

export interface CorexServerOptions {
  readonly machine: CorexMachine;
  /** The address to bind: a loopback standing in for the machine's address. */
  readonly host?: string;
  readonly port?: number;
  /**
   * Or a unix socket to listen on instead, for a relay in the machine's network namespace that
   * listens on its Z-Net address (znet-listener.ts). A stale file of that name is replaced.
   */
  readonly socketPath?: string;
}

const require = createRequire(import.meta.url);
const xtermFiles: Readonly<Record<string, [string, string]>> = {
  '/xterm/xterm.js': [require.resolve('@xterm/xterm/lib/xterm.js'), 'application/javascript'],
  '/xterm/xterm.css': [require.resolve('@xterm/xterm/css/xterm.css'), 'text/css'],
};

/** Quotes one word for /bin/sh. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export class CorexServer {
  private readonly records = new Map<number, ProcessRecord>();
  private nextId = 1;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly machine: CorexMachine) {
    this.http = createServer((req, res) => void this.route(req, res));
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
  }

  static async start(options: CorexServerOptions): Promise<CorexServer> {
    const server = new CorexServer(options.machine);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      const where = options.socketPath !== undefined ? { path: options.socketPath } : { host: options.host ?? '127.0.0.1', port: options.port ?? COREX_PORT };
      if (options.socketPath !== undefined) rmSync(options.socketPath, { force: true });
      server.http.listen(where, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** The loopback URL, or `unix:<path>` when the server listens on a unix socket. */
  get url(): string {
    const bound = this.http.address();
    if (typeof bound === 'string') return `unix:${bound}`;
    const { address, port } = bound as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** The listener alone no longer keeps the process alive (for owners that may not call close()). */
  unref(): void {
    this.http.unref();
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    for (const socket of this.sockets) socket.destroy();
    const bound = this.http.address();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    // node removes its unix socket on close; a server that never listened left nothing.
    if (typeof bound === 'string') rmSync(bound, { force: true });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // corex answers GET only; anything else is a 400.
    if (req.method !== 'GET') return void res.writeHead(400).end();
    const url = new URL(req.url ?? '/', 'http://corex');
    try {
      const path = url.pathname;
      if (path === '/') return html(res, homePage());
      if (path.startsWith('/attach/')) return this.attach(res, path.slice('/attach/'.length));
      if (path === '/auth_token.js') return void res.writeHead(200, { 'content-type': 'application/javascript' }).end();
      const file = xtermFiles[path];
      if (file !== undefined) return void res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
      const api = this.api(path);
      if (api === undefined) return void res.writeHead(404).end();
      await api(url.searchParams, res);
    } catch (error) {
      json(res, { status: 'error', reason: (error as Error).message }, errorStatus(error));
    }
  }

  private api(path: string): ((query: URLSearchParams, res: ServerResponse) => Promise<void> | void) | undefined {
    switch (path) {
      case '/api/processes':
        return (_q, res) => json(res, { processes: this.sync().map(describe) });
      case '/api/process/start':
        return (q, res) => this.startProcess(q.getAll('arg[]'), res);
      case '/api/process/stop':
        return (q, res) => this.signal(q, res, 15);
      case '/api/process/kill':
        // corex: SIGKILL unless `signal` says otherwise.
        return (q, res) => this.signal(q, res, Number(q.get('signal') ?? 9));
      case '/api/process/logs':
        return (q, res) => this.withRecord(q, res, (r) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(r.tty?.logs() ?? ''));
      case '/api/process/clean':
        return (_q, res) => {
          for (const r of this.sync()) if (r.state === 'stopped' || r.state === 'crashed') this.records.delete(r.id);
          json(res, { status: 'success' });
        };
      default:
        return undefined;
    }
  }

  private async startProcess(argv: string[], res: ServerResponse): Promise<void> {
    if (argv.length === 0 || argv[0] === '') return json(res, { status: 'error', reason: 'missing cmdline' });
    // The machine's /bin/sh runs the command line; `exec` makes the command itself the PTY's process.
    const pid = await this.machine.exec(`exec ${argv.map(shellWord).join(' ')}`);
    const record = this.adopt(pid, argv.join(' '), this.machine.ps().find((p) => p.pid === pid)?.tty);
    json(res, { status: 'success', pid, id: record.id });
  }

  private signal(query: URLSearchParams, res: ServerResponse, signal: number): void {
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) return json(res, { status: 'error', reason: 'invalid signal' });
    this.withRecord(query, res, (record) => {
      if (record.state !== 'running') return json(res, { status: 'error', reason: 'process already stopped' });
      try {
        process.kill(-record.pid, signal);
      } catch {
        return json(res, { status: 'error', reason: 'internal error while killing the process' });
      }
      record.state = 'stopping';
      json(res, { status: 'success' });
    });
  }

  private withRecord(query: URLSearchParams, res: ServerResponse, then: (record: ProcessRecord) => void): void {
    const id = query.get('id');
    if (id === null) return json(res, { status: 'error', reason: 'missing id' });
    this.sync();
    const record = this.records.get(Number(id));
    if (record === undefined) return json(res, { status: 'error', reason: 'invalid id' });
    then(record);
  }

  private attach(res: ServerResponse, idText: string): void {
    const id = Number(idText);
    // corex checks only that the id is a positive integer; the websocket refuses unknown ones.
    if (!Number.isInteger(id) || id <= 0) return void res.writeHead(404).end();
    html(res, attachPage(id, this.records.get(id)?.command ?? `process ${id}`));
  }

  /** Merges the machine's process table into ours: new pids get ids, vanished ones are stopped. */
  private sync(): ProcessRecord[] {
    const live = this.machine.ps();
    const livePids = new Set(live.map((p) => p.pid));
    for (const record of this.records.values()) {
      if (!livePids.has(record.pid) && (record.state === 'running' || record.state === 'stopping')) {
        record.state = record.exit?.error === undefined ? 'stopped' : 'crashed';
      }
    }
    const known = new Set([...this.records.values()].filter((r) => r.state === 'running' || r.state === 'stopping').map((r) => r.pid));
    for (const view of live) if (!known.has(view.pid)) this.adopt(view.pid, view.command, view.tty);
    return [...this.records.values()];
  }

  private adopt(pid: number, command: string, tty: PtyProcess | undefined): ProcessRecord {
    const existing = [...this.records.values()].find((r) => r.pid === pid && r.state !== 'stopped' && r.state !== 'crashed');
    if (existing !== undefined) return existing;
    const record: ProcessRecord = { id: this.nextId++, pid, command, tty, state: 'running' };
    this.records.set(record.id, record);
    void tty?.exited.then((exit) => {
      record.exit = exit;
      record.state = exit.error === undefined ? 'stopped' : 'crashed';
    });
    return record;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const match = /^\/ws\/(\d+)$/.exec(new URL(req.url ?? '/', 'http://corex').pathname);
    let record: ProcessRecord | undefined;
    try {
      this.sync();
      record = match === null ? undefined : this.records.get(Number(match[1]));
    } catch {
      record = undefined;
    }
    // corex refuses the connection for an unknown id (protocol.c, FILTER_PROTOCOL_CONNECTION).
    if (record?.tty === undefined) return void socket.destroy();
    const tty = record.tty;
    const title = `${record.command} (${hostname()})`;
    this.wss.handleUpgrade(req, socket, head, (ws) => terminalSession(ws, tty, title));
  }
}

/** One browser on one process's TTY: corex's initial messages, the log replay, then live output. */
function terminalSession(ws: WebSocket, tty: PtyProcess, title: string): void {
  const frame = (kind: string, payload: Buffer | string): void => ws.send(Buffer.concat([Buffer.from(kind), Buffer.from(payload)]));
  frame('1', title);
  frame('3', String(RECONNECT_S));
  frame('2', '{}');
  if (tty.logs().length > 0) frame('0', tty.logs());
  let unsubscribe = (): void => undefined;
  ws.on('message', (data: Buffer) => {
    const kind = String.fromCharCode(data[0] ?? 0);
    // corex forwards live output only once the page said hello (the JSON with AuthToken).
    if (kind === '{') unsubscribe = tty.onOutput((chunk) => frame('0', chunk));
    else if (kind === '0') tty.write(data.subarray(1));
    else if (kind === '1') {
      const size = JSON.parse(data.subarray(1).toString('utf8')) as { columns?: unknown; rows?: unknown };
      if (typeof size.columns === 'number' && typeof size.rows === 'number') tty.resize(size.columns, size.rows);
    }
  });
  ws.on('close', () => unsubscribe());
  void tty.exited.then(() => ws.close(1000));
}

function describe(record: ProcessRecord): object {
  const { exit } = record;
  const signal = exit?.signal === null || exit?.signal === undefined ? undefined : signalNumber(exit.signal);
  return {
    pid: record.pid,
    command: record.command,
    state: record.state,
    id: record.id,
    ...(exit === undefined ? {} : { status: exit.code ?? 0 }),
    ...(signal === undefined ? {} : { signal }),
    ...(exit?.error === undefined ? {} : { error: exit.error }),
  };
}

function signalNumber(name: NodeJS.Signals): number | undefined {
  return (osConstants.signals as Record<string, number>)[name];
}

/** A machine that is not running (or gone) is unreachable, 503; bad input 400; anything else 500. */
function errorStatus(error: unknown): number {
  if (error instanceof CorexUnreachableError || error instanceof WorkerError) return 503;
  return error instanceof InputError ? 400 : 500;
}

function json(res: ServerResponse, body: object, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html' }).end(body);
}
