// The worker's side of the call channel: push a call on the owner's list and wait for the reply on
// this process's own list; re-send when none comes (the owner answers a duplicate from its log).

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CallChannel } from './call-channel.js';
import { ListPopper } from './list-pop.js';
import { callResendMs, type CallReply, type CallRequest, type Channel } from './protocol.js';

interface Pending {
  readonly resolve: (reply: CallReply) => void;
  readonly reject: (error: Error) => void;
  readonly text: string;
  timer: NodeJS.Timeout;
  resendMs: number;
}

/** Re-sends back off to this: with no owner listening, requests must not pile up in Redis quickly. */
const maxResendMs = 30_000;

export class RpcClient implements CallChannel {
  /** One reply list for the process: a worker may run hundreds of jobs without a connection each. */
  private readonly replyTo: string;
  private readonly listener: Redis;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    redisUrl: string,
    private readonly channel: Channel,
    /** Pushes requests; never blocks. */
    private readonly pusher: Redis,
  ) {
    this.replyTo = channel.replyKey(randomUUID());
    this.listener = new Redis(redisUrl, { maxRetriesPerRequest: null });
    // Reconnects are retried here and reported by the BullMQ worker's own 'error' events; without a
    // listener ioredis would print each attempt's stack trace.
    this.listener.on('error', () => {});
    this.loop = this.listen();
  }

  /** Sends a call of the delivery `token` and resolves with the owner's reply. */
  call(request: Omit<CallRequest, 'replyTo' | 'tag'>, token: string): Promise<CallReply> {
    const tag = `${token}:${request.index}`;
    // The request's fields written out, not spread (`{ ...request, more }` costs µs on Node 20); the
    // same JSON, as stringify leaves out the absent worker and slots.
    const { run, seq, attempt, index, method, args, worker, slots } = request;
    const text = JSON.stringify({ run, seq, attempt, index, method, args, worker, slots, replyTo: this.replyTo, tag });
    return new Promise<CallReply>((resolve, reject) => {
      if (this.closed) return reject(new Error('worker is closing'));
      const entry: Pending = { resolve, reject, text, timer: setTimeout(() => this.resend(tag), callResendMs), resendMs: callResendMs };
      this.pending.set(tag, entry);
      this.send(text);
    });
  }

  /** Reports the end of a job; the owner needs no reply, and the push itself is durable. */
  async done(request: Omit<CallRequest, 'replyTo' | 'tag'>): Promise<void> {
    await this.pusher.rpush(this.channel.requests, JSON.stringify(request));
  }

  async close(): Promise<void> {
    this.closed = true;
    // A pop sent while Redis was unreachable waits in ioredis's offline queue, which a disconnect
    // during its reconnect back-off never flushes: that pop, and the loop, never end. Do not wait for it.
    const popCanEnd = this.listener.status === 'ready';
    // disconnect, not quit: the listener is blocked in BLPOP.
    this.listener.disconnect();
    if (popCanEnd) await this.loop;
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error('worker is closing'));
    }
    this.pending.clear();
  }

  private send(text: string): void {
    // A failed push is retried by the resend timer; the connection itself waits out reconnects.
    this.pusher.rpush(this.channel.requests, text).catch(() => {});
  }

  /** No reply yet: the request or its reply may have been lost (a Redis restart); ask again. */
  private resend(tag: string): void {
    const entry = this.pending.get(tag);
    if (entry === undefined || this.closed) return;
    entry.resendMs = Math.min(maxResendMs, entry.resendMs * 2);
    entry.timer = setTimeout(() => this.resend(tag), entry.resendMs);
    this.send(entry.text);
  }

  private async listen(): Promise<void> {
    const popper = new ListPopper(this.listener);
    while (!this.closed) {
      let texts: string[];
      try {
        // Replies to a whole wave of jobs arrive together: take them in one round trip, not one each.
        texts = await popper.pop(this.replyTo, 1, 256);
      } catch {
        if (this.closed) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      for (const text of texts) this.answer(text);
    }
  }

  private answer(text: string): void {
    const bar = text.indexOf('|');
    const tag = text.slice(0, bar);
    const entry = this.pending.get(tag);
    // A duplicate answer to a call already answered (it was re-sent): nothing waits for it.
    if (entry === undefined) return;
    this.pending.delete(tag);
    clearTimeout(entry.timer);
    entry.resolve(JSON.parse(text.slice(bar + 1)) as CallReply);
  }
}
