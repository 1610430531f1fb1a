// HostBackend's RESP client of its nodes' 0-db servers: one connection per namespace, SELECTed with
// the owner's password, remade after it drops. Refusals come back as the simulator's ZdbError codes.

import { Redis } from 'ioredis';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';

/** Where a namespace lives and how its owner opens it. */
export interface NamespaceAddress {
  readonly node: number;
  readonly port: number;
  readonly namespace: string;
  readonly password: string;
}

/** 0-db's reply texts, back to the codes the simulator raises, so operationError maps both alike. */
const codeByReply = new Map<string, ZdbErrorCode>(Object.values(ZdbErrorCode).map((code) => [new ZdbError(code).reply, code]));

/** A RESP error reply as the simulator's ZdbError; other failures (a refused dial) as node-down. */
export function zdbFailure(error: unknown, where: NamespaceAddress): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeByReply.get(message.replace(/^ERR /, ''));
  if (code !== undefined) return new ZdbError(code);
  if (/Namespace protected and private/.test(message)) return new ZdbError(ZdbErrorCode.accessDenied, 'the namespace is private and has a password');
  if (error instanceof Error && 'command' in error) return new ZdbError(ZdbErrorCode.invalidArgument, message);
  return new WorkerError(WorkerErrorCode.nodeDown, `zdb ${where.namespace} on node ${where.node}: ${message}`, true);
}

interface Conn {
  readonly redis: Redis;
  readonly ready: Promise<void>;
  selected: boolean;
}

export class ZdbClients {
  private readonly conns = new Map<string, Conn>();

  /** `hostOf`: the IP a node's 0-db answers on (its namespace's address with network 'netns'). */
  constructor(private readonly hostOf: (node: number) => string = () => '127.0.0.1') {}

  /** Runs one command in `at`'s namespace; answers the raw reply (Buffers for bulk strings). */
  async call(at: NamespaceAddress, command: string, ...args: (string | Buffer)[]): Promise<unknown> {
    const conn = this.conn(at);
    try {
      await conn.ready;
      return await conn.redis.callBuffer(command, ...args);
    } catch (error) {
      // The server may have restarted (a power cycle): dial again next time.
      if (conn.redis.status !== 'ready' || !conn.selected) this.drop(at, conn);
      throw zdbFailure(error, at);
    }
  }

  /** Forgets every connection to a node's server (it was stopped). */
  dropNode(node: number): void {
    for (const [key, conn] of this.conns) if (key.startsWith(`${node}/`)) this.drop({ node, namespace: key.slice(key.indexOf('/') + 1) }, conn);
  }

  close(): void {
    for (const conn of this.conns.values()) conn.redis.disconnect();
    this.conns.clear();
  }

  private conn(at: NamespaceAddress): Conn {
    const key = `${at.node}/${at.namespace}`;
    const existing = this.conns.get(key);
    if (existing !== undefined) return existing;
    const redis = new Redis({ host: this.hostOf(at.node), port: at.port, protocol: 2, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
    // Failures surface on the commands; the event would only be noise.
    redis.on('error', () => {});
    const args = at.password === '' ? [at.namespace] : [at.namespace, at.password];
    const conn: Conn = {
      redis,
      selected: false,
      ready: redis.connect().then(async () => {
        await redis.call('SELECT', ...args);
        conn.selected = true;
      }),
    };
    // Awaited by every call; a failed dial must not also be an unhandled rejection.
    conn.ready.catch(() => undefined);
    this.conns.set(key, conn);
    return conn;
  }

  private drop(at: { node: number; namespace: string }, conn: Conn): void {
    const key = `${at.node}/${at.namespace}`;
    if (this.conns.get(key) === conn) this.conns.delete(key);
    conn.redis.disconnect();
  }
}
