// How a worker reaches the owner of the simulated state: over Redis lists (RpcClient) when it is
// another process, or straight into the owner (LocalCallChannel) when it runs in the owner's process.

import type { CallReply, CallRequest } from './protocol.js';

export interface CallChannel {
  /** Sends a call of the delivery `token` and resolves with the owner's reply. */
  call(request: Omit<CallRequest, 'replyTo' | 'tag'>, token: string): Promise<CallReply>;
  /** Reports the end of a job; no reply. */
  done(request: Omit<CallRequest, 'replyTo' | 'tag'>): Promise<void>;
  /** Pending calls fail; later calls fail at once. */
  close(): Promise<void>;
}

/** The owner's entry point for one request: `reply` receives the encoded CallReply (absent for done). */
export type RequestSink = (request: CallRequest, reply: ((text: string) => void) | undefined) => void;

/**
 * A worker in the owner's process: the same requests, attempt log and replay as over Redis, minus
 * the wire. Jobs still come through BullMQ (locks, stall recovery, retries); only the calls are local.
 */
export class LocalCallChannel implements CallChannel {
  private readonly pending = new Set<(error: Error) => void>();
  private closed = false;

  constructor(private readonly sink: RequestSink) {}

  call(request: Omit<CallRequest, 'replyTo' | 'tag'>): Promise<CallReply> {
    return new Promise<CallReply>((resolve, reject) => {
      if (this.closed) return reject(new Error('worker is closing'));
      this.pending.add(reject);
      this.sink(request, (text) => {
        if (!this.pending.delete(reject)) return;
        resolve(JSON.parse(text) as CallReply);
      });
    });
  }

  async done(request: Omit<CallRequest, 'replyTo' | 'tag'>): Promise<void> {
    this.sink(request, undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const reject of this.pending) reject(new Error('worker is closing'));
    this.pending.clear();
  }
}
