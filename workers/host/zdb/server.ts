// A real 0-db server on this host: RESP2 over TCP (node:net), namespaces stored under a data dir.
// Leaves out running hooks and datafile rotation (see cli/commands/zdb.ts for the options kept).
//
// Durability: requests are executed as they arrive and their data appended at once, but replies
// are held. Once per event-loop turn the data file of every namespace written in that turn is
// fdatasynced, its index entries are written, and only then are the held replies sent: group
// commit, so an acknowledged write survives `kill -9` and power loss, and pipelined or concurrent
// writers share one fsync. The index is not fsynced per batch; it is rebuilt from the data file
// where it falls short (files.ts). `fsync: false` keeps the batching but skips the fdatasync.

import { randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { ZdbMode } from '../../../sim/storage/zdb/namespace.js';
import { CloseAfterReply, commandName, execute, newSession, type ServerConfig, type ServerStats, type Session } from './commands.js';
import { noReply } from './commands-system.js';
import { arrayReply, bulkReply, errorReply, integerReply, ProtocolError, RespParser, simpleReply, wedgeBufferBytes } from './resp.js';
import { ZdbReplyError } from './reply-error.js';
import { defaultNamespace, ZdbStore } from './store.js';

import { defaultZdbBind, defaultZdbPort } from '../listen-defaults.js';

/** RESP's first byte of an error reply, '-'. */
const errorByte = 0x2d;

export interface ZdbServerOptions {
  readonly dataDir: string;
  /** 0 picks a free port; `address()` tells which. */
  readonly port?: number;
  readonly bind?: string;
  /** fdatasync before acknowledging writes (default true). */
  readonly fsync?: boolean;
  readonly maxClients?: number;
  /** Stop running a client's requests while its unsent replies exceed this, until it reads them. */
  readonly maxPendingReplyBytes?: number;
  /**
   * 0-db's `--admin`: without it every client is admin; with it NSNEW, NSDEL, NSSET and timestamped
   * SET/DEL need `AUTH` first (zdbd/commands.c, command_admin_authorized).
   */
  readonly adminPassword?: string;
  /** 0-db's --mode: every namespace in this mode, and NSSET mode refused; default: chosen per namespace. */
  readonly mode?: ZdbMode;
  /** 0-db's --maxsize: the default namespace's size limit in bytes, for this run. */
  readonly defaultMaxsizeBytes?: number;
  /** 0-db's --protect (needs adminPassword): the default namespace takes it as password, read-only until SELECTed with it. */
  readonly protect?: boolean;
  /** 0-db's --socket: listen on this unix socket path instead of TCP. */
  readonly socketPath?: string;
  /** Called once a client's STOP has been answered and the server closed. */
  readonly onStop?: () => void;
  /** Where unexpected errors (disk failures) are reported; default stderr. */
  readonly onError?: (error: unknown) => void;
  /** Told of every request run, for metrics (metrics.ts); absent: nothing timed. */
  readonly observer?: CommandObserver;
}

/** `error` for any error reply (refusals included) or a request that failed inside the server. */
export type CommandOutcome = 'ok' | 'error';
/** `command` is the table name the request dispatched to, or `unknown`. */
export type CommandObserver = (command: string, outcome: CommandOutcome, seconds: number) => void;

interface Client {
  readonly socket: Socket;
  readonly parser: RespParser;
  readonly session: Session;
  /** Parsed requests not yet run, from `queueAt` on. */
  queue: Buffer[][];
  queueAt: number;
  /** Replies held until the next flush (after the fsync), and their size. */
  replies: Buffer[];
  replyBytes: number;
  /** What was wrong with the bytes after the queued requests; answered once they have run. */
  protocolError: ProtocolError | null;
  /**
   * Bytes 0-db would hold in its buffer after a request it refused without closing ("Missing
   * arguments", "Too many arguments", "Malformed query string"). It never moves past them, so
   * every later read is answered with the same error and runs nothing; once its 8 KiB buffer is
   * full the client is dropped (zdbd/redis.c: redis_chunk_read, RESP_STATUS_ABNORMAL).
   */
  wedgedBytes: number;
  refusalSent: boolean;
  /** Send what is held, then close. */
  closing: boolean;
  /** The timer that answers a WAIT with "-Timeout". */
  waitTimer: NodeJS.Timeout | null;
}

export class ZdbHostServer {
  readonly store: ZdbStore;
  private readonly server: Server;
  private readonly clients = new Set<Client>();
  /** Clients WAITing or MIRRORing: the only ones a command must be told to, so most commands tell none. */
  private readonly listeners = new Set<Client>();
  private readonly stats: ServerStats = { bootTimeS: Math.floor(Date.now() / 1000), clients: 0, commands: 0, failed: 0, unauthorized: 0, rxBytes: 0, txBytes: 0 };
  private stopping = false;
  private readonly config: ServerConfig;
  private flushScheduled = false;
  private readonly fsync: boolean;
  private readonly maxClients: number;
  private readonly maxPendingReplyBytes: number;

  constructor(private readonly options: ZdbServerOptions) {
    if (options.protect === true && options.adminPassword === undefined) throw new Error('protect needs an admin password (0-db: "protected mode only works with admin password")');
    this.store = new ZdbStore(options.dataDir, options.mode ?? 'user');
    this.fsync = options.fsync ?? true;
    this.config = { adminPassword: options.adminPassword ?? null, mode: options.mode ?? 'mix', protect: options.protect ?? false, instanceId: randomInt(2 ** 32) };
    applyDefaultNamespaceOptions(this.store, options);
    this.maxClients = options.maxClients ?? 1024;
    this.maxPendingReplyBytes = options.maxPendingReplyBytes ?? 64 * 1024 * 1024;
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Listens; resolves with the address actually bound. */
  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const done = (): void => {
        this.server.off('error', reject);
        resolve(this.address());
      };
      if (this.options.socketPath !== undefined) this.server.listen(this.options.socketPath, done);
      else this.server.listen(this.options.port ?? defaultZdbPort, this.options.bind ?? defaultZdbBind, done);
    });
  }

  /** INFO's counters: commands, clients since start, network bytes. */
  get counters(): Readonly<ServerStats> {
    return this.stats;
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  address(): { address: string; port: number } {
    const a = this.server.address();
    // A unix socket has no port: its path stands for the address.
    if (typeof a === 'string') return { address: a, port: 0 };
    if (a === null) throw new Error('zdb server is not listening');
    return { address: a.address, port: a.port };
  }

  /** Stops accepting, drops clients, syncs and closes every file. Safe to call more than once. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients) {
      if (client.waitTimer !== null) clearTimeout(client.waitTimer);
      client.socket.destroy();
    }
    this.clients.clear();
    await closed;
    this.store.close(this.fsync);
  }

  private accept(socket: Socket): void {
    if (this.clients.size >= this.maxClients) {
      socket.end(errorReply('ERR max number of clients reached'));
      return;
    }
    this.stats.clients++;
    const client: Client = { socket, parser: new RespParser(), session: newSession(this.store.mustGet(defaultNamespace), this.config), queue: [], queueAt: 0, replies: [], replyBytes: 0, protocolError: null, wedgedBytes: 0, refusalSent: false, closing: false, waitTimer: null };
    this.clients.add(client);
    socket.on('data', (chunk: Buffer) => this.receive(client, chunk));
    socket.on('drain', () => this.work(client));
    // A reset connection is the client's business; it must never take the server down.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (client.waitTimer !== null) clearTimeout(client.waitTimer);
      this.clients.delete(client);
      this.listeners.delete(client);
    });
  }

  private receive(client: Client, chunk: Buffer): void {
    this.stats.rxBytes += chunk.length;
    if (client.closing) return;
    const wedged = client.protocolError;
    if (wedged !== null) {
      if (!client.refusalSent) return;
      // Only a wedged (not closing) client reads on: answer the same refusal again, as 0-db does.
      client.wedgedBytes += chunk.length;
      this.hold(client, errorReply(wedged.reply));
      if (client.wedgedBytes >= wedgeBufferBytes) client.closing = true;
      this.scheduleFlush();
      return;
    }
    try {
      for (const request of client.parser.push(chunk)) client.queue.push(request);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      // Requests before the bad bytes still run; after them the stream cannot be trusted.
      for (const request of error.completed) client.queue.push(request);
      client.protocolError = error;
      client.wedgedBytes = error.stuckBytes;
      client.socket.pause();
    }
    this.work(client);
  }

  /**
   * Runs the client's queued requests until its unsent replies reach the cap (a pipeline of GETs
   * of 8 MiB values must not make us hold gigabytes); the rest waits until the socket drains.
   */
  private work(client: Client): void {
    while (client.queueAt < client.queue.length && !client.closing) {
      if (client.replyBytes + client.socket.writableLength >= this.maxPendingReplyBytes) {
        client.socket.pause();
        break;
      }
      const args = client.queue[client.queueAt]!;
      client.queue[client.queueAt++] = [];
      try {
        this.run(client, args);
      } catch (error) {
        if (!(error instanceof CloseAfterReply)) {
          // A disk error (EIO, ENOSPC) fails this request, not the server. Positional appends mean a
          // half-written entry is overwritten by the next one, as the append cursor did not move.
          this.report(error);
          this.hold(client, errorReply('Internal Error'));
          continue;
        }
        this.hold(client, error.reply);
        client.closing = true;
      }
    }
    if (client.queueAt === client.queue.length) {
      client.queue = [];
      client.queueAt = 0;
      const refused = client.protocolError;
      if (refused !== null && !client.closing && !client.refusalSent) {
        this.hold(client, errorReply(refused.reply));
        client.refusalSent = true;
        if (refused.close || client.wedgedBytes >= wedgeBufferBytes) client.closing = true;
      }
      if (!client.closing) client.socket.resume();
    }
    this.scheduleFlush();
  }

  /** One request: MASTER's owner id taken off, the command run, then WAITs and MIRRORs told. */
  private run(client: Client, args: Buffer[]): void {
    let owner = 0;
    if (client.session.master) {
      // zdbd/redis.c (redis_handle_resp_ownerid): the last argument is the origin's instance id;
      // one longer than 32 bytes drops the request unanswered.
      const id = args.pop()!;
      if (id.length > 32 || args.length === 0) return;
      owner = Number.parseInt(id.toString('latin1'), 10) >>> 0;
    }
    const reply = this.options.observer === undefined ? execute(this.store, client.session, args, this.stats, this.config) : this.observed(client, args, this.options.observer);
    if (reply !== noReply) this.hold(client, reply);
    if (client.session.watch !== null && client.waitTimer === null) this.startWait(client);
    if (client.session.watch !== null || client.session.mirror) this.listeners.add(client);
    if (client.session.stopRequested) {
      client.closing = true;
      void this.stopAfterReply(client);
    }
    if (client.session.executed !== null && this.listeners.size > 0) this.notify(client, args, owner);
  }

  /** `execute`, timed and told to `observer`, thrown failures included (they become error replies in `work`). */
  private observed(client: Client, args: Buffer[], observer: CommandObserver): Buffer {
    const startedMs = performance.now();
    let reply: Buffer | undefined;
    try {
      reply = execute(this.store, client.session, args, this.stats, this.config);
      return reply;
    } finally {
      const outcome = reply === undefined || reply[0] === errorByte ? 'error' : 'ok';
      observer(commandName(args[0]!), outcome, (performance.now() - startedMs) / 1000);
    }
  }

  /**
   * zdbd/redis.c (redis_posthandler_client): a client WAITing in the same namespace on this command
   * (or on "*") is answered "+NAME"; a MIRROR client gets requests that carry an owner id, as
   * [timestamp, namespace, owner, …request]. 0-db v2.0.7 sets an owner only on MASTER requests.
   */
  private notify(source: Client, args: Buffer[], owner: number): void {
    const executed = source.session.executed!;
    for (const other of this.listeners) {
      if (other === source) continue;
      if (other.session.mirror) {
        if (owner === 0) continue;
        this.hold(other, arrayReply([integerReply(Math.floor(Date.now() / 1000)), bulkReply(source.session.ns.name), integerReply(owner), ...args.map((a) => bulkReply(a))]));
        continue;
      }
      const watch = other.session.watch;
      if (watch === null || other.session.ns !== source.session.ns) continue;
      if (watch.command !== executed && watch.command !== '*') continue;
      this.endWait(other, simpleReply(executed));
    }
  }

  private startWait(client: Client): void {
    client.waitTimer = setTimeout(() => {
      this.endWait(client, errorReply('Timeout'));
      this.scheduleFlush();
    }, Math.max(0, client.session.watch!.untilMs - Date.now()));
  }

  private endWait(client: Client, reply: Buffer): void {
    client.session.watch = null;
    if (!client.session.mirror) this.listeners.delete(client);
    if (client.waitTimer !== null) clearTimeout(client.waitTimer);
    client.waitTimer = null;
    this.hold(client, reply);
  }

  /** STOP: the reply goes out with this batch (after its fsync), then everything closes. */
  private async stopAfterReply(client: Client): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // The client is `closing`: the flush ends its socket with the reply; wait until that is out.
    await new Promise<void>((resolve) => {
      client.socket.once('close', () => resolve());
      setTimeout(resolve, 1000).unref();
    });
    await this.close();
    this.options.onStop?.();
  }

  private hold(client: Client, reply: Buffer): void {
    client.replies.push(reply);
    client.replyBytes += reply.length;
  }

  private report(error: unknown): void {
    if (this.options.onError !== undefined) this.options.onError(error);
    else process.stderr.write(`zdb: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after every socket read of this loop turn: one fsync covers them all.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    try {
      this.store.syncAll(this.fsync);
    } catch (error) {
      // Nothing held may be acknowledged if fsync failed: drop those clients unanswered.
      this.report(error);
      for (const client of this.clients) if (client.replies.length > 0) client.socket.destroy();
      return;
    }
    for (const client of this.clients) {
      if (client.replies.length === 0) continue;
      const bytes = client.replies.length === 1 ? client.replies[0]! : Buffer.concat(client.replies);
      client.replies = [];
      client.replyBytes = 0;
      this.stats.txBytes += bytes.length;
      if (client.closing) {
        client.socket.end(bytes);
        continue;
      }
      // Below the cap, queued requests go on now; above it, on 'drain' once the client has read.
      client.socket.write(bytes);
      if (client.queueAt < client.queue.length && client.socket.writableLength < this.maxPendingReplyBytes) this.work(client);
    }
  }
}

/** --mode, --maxsize and --protect act on the default namespace for this run, as zdbd.c applies them. */
function applyDefaultNamespaceOptions(store: ZdbStore, options: ZdbServerOptions): void {
  const ns = store.mustGet(defaultNamespace);
  // A fresh default namespace takes the server's mode; one holding data keeps what it was written in.
  if (options.mode !== undefined && ns.settings.mode !== options.mode) {
    try {
      ns.nsset('mode', options.mode);
    } catch (error) {
      if (!(error instanceof ZdbReplyError)) throw error;
    }
  }
  if (options.defaultMaxsizeBytes !== undefined) ns.settings.maxsizeBytes = options.defaultMaxsizeBytes;
  if (options.protect === true) ns.settings.password = options.adminPassword!;
}
