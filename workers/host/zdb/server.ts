// A real 0-db server on this host: RESP2 over TCP (node:net), namespaces stored under a data dir.
// Leaves out --protect, WAIT/hooks/replication and datafile rotation; see commands.ts.
//
// Durability: requests are executed as they arrive and their data appended at once, but replies
// are held. Once per event-loop turn the data file of every namespace written in that turn is
// fdatasynced, its index entries are written, and only then are the held replies sent: group
// commit, so an acknowledged write survives `kill -9` and power loss, and pipelined or concurrent
// writers share one fsync. The index is not fsynced per batch; it is rebuilt from the data file
// where it falls short (files.ts). `fsync: false` keeps the batching but skips the fdatasync.

import { createServer, type Server, type Socket } from 'node:net';
import { CloseAfterReply, execute, newSession, type ServerConfig, type ServerStats, type Session } from './commands.js';
import { errorReply, ProtocolError, RespParser, wedgeBufferBytes } from './resp.js';
import { defaultNamespace, ZdbStore } from './store.js';

import { defaultZdbBind, defaultZdbPort } from '../listen-defaults.js';

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
  /** Where unexpected errors (disk failures) are reported; default stderr. */
  readonly onError?: (error: unknown) => void;
}

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
}

export class ZdbHostServer {
  readonly store: ZdbStore;
  private readonly server: Server;
  private readonly clients = new Set<Client>();
  private readonly stats: ServerStats = { bootTimeS: Math.floor(Date.now() / 1000), clients: 0, commands: 0, failed: 0, unauthorized: 0, rxBytes: 0, txBytes: 0 };
  private readonly config: ServerConfig;
  private flushScheduled = false;
  private readonly fsync: boolean;
  private readonly maxClients: number;
  private readonly maxPendingReplyBytes: number;

  constructor(private readonly options: ZdbServerOptions) {
    this.store = new ZdbStore(options.dataDir);
    this.fsync = options.fsync ?? true;
    this.config = { adminPassword: options.adminPassword ?? null };
    this.maxClients = options.maxClients ?? 1024;
    this.maxPendingReplyBytes = options.maxPendingReplyBytes ?? 64 * 1024 * 1024;
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Listens; resolves with the address actually bound. */
  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? defaultZdbPort, this.options.bind ?? defaultZdbBind, () => {
        this.server.off('error', reject);
        resolve(this.address());
      });
    });
  }

  address(): { address: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('zdb server is not listening');
    return { address: a.address, port: a.port };
  }

  /** Stops accepting, drops clients, syncs and closes every file. Safe to call more than once. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients) client.socket.destroy();
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
    const client: Client = { socket, parser: new RespParser(), session: newSession(this.store.mustGet(defaultNamespace), this.config), queue: [], queueAt: 0, replies: [], replyBytes: 0, protocolError: null, wedgedBytes: 0, refusalSent: false, closing: false };
    this.clients.add(client);
    socket.on('data', (chunk: Buffer) => this.receive(client, chunk));
    socket.on('drain', () => this.work(client));
    // A reset connection is the client's business; it must never take the server down.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.clients.delete(client));
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
        this.hold(client, execute(this.store, client.session, args, this.stats, this.config));
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
