// A small client of corex's HTTP API (the calls of client/corex-api-demo.py in threefoldtech/corex),
// mapping its answers onto the CoreX errors: no answer or a 503 is "unreachable" (retryable), an id
// corex does not know is "no such process".

import { request } from 'node:http';
import type { Socket } from 'node:net';
import { CorexNoSuchProcessError, CorexUnreachableError } from '../../../sim/grid/primitives/corex.js';

export interface CorexApiProcess {
  readonly pid: number;
  readonly id: number;
  readonly command: string;
  readonly state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';
  readonly status?: number;
  readonly signal?: number;
  readonly error?: string;
}

const TIMEOUT_MS = 10_000;
const KILL_WAIT_MS = 10_000;

/** Opens the TCP connection to host:port some other way: from inside a Z-Net (workers/host/znet/dialer.ts). */
export type CorexDial = (host: string, port: number) => Socket;

export class CorexClient {
  constructor(
    readonly baseUrl: string,
    private readonly workloadId: string,
    /** Without it, connections are opened from this process's own network namespace. */
    private readonly dial?: CorexDial,
  ) {}

  async processes(): Promise<CorexApiProcess[]> {
    return ((await this.json('/api/processes')) as { processes: CorexApiProcess[] }).processes;
  }

  /** Starts argv on its own TTY; resolves to corex's {pid, id}. */
  async start(argv: readonly string[]): Promise<{ pid: number; id: number }> {
    const query = new URLSearchParams(argv.map((a): [string, string] => ['arg[]', a]));
    return this.ok(await this.json(`/api/process/start?${query.toString()}`)) as { pid: number; id: number };
  }

  async kill(id: number, signal = 9): Promise<void> {
    this.ok(await this.json(`/api/process/kill?id=${id}&signal=${signal}`));
  }

  async logs(id: number): Promise<string> {
    const { status, body } = await this.get(`/api/process/logs?id=${id}`);
    if (status !== 200 || body.startsWith('{"status":"error"')) throw this.failure(JSON.parse(body) as { reason?: string });
    return body;
  }

  /** Kills the process with this host pid and waits until corex no longer reports it running. */
  async killPid(pid: number): Promise<void> {
    const alive = (list: CorexApiProcess[]): CorexApiProcess | undefined => list.find((p) => p.pid === pid && (p.state === 'running' || p.state === 'stopping'));
    const target = alive(await this.processes());
    if (target === undefined) throw new CorexNoSuchProcessError(this.workloadId, pid);
    if (target.state === 'running') await this.kill(target.id);
    const deadline = Date.now() + KILL_WAIT_MS;
    while (alive(await this.processesAfterKill()) !== undefined) {
      if (Date.now() > deadline) throw new CorexUnreachableError(this.workloadId, `process ${pid} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Killing the entrypoint takes the machine down, and its CoreX with it: then nothing runs. */
  private async processesAfterKill(): Promise<CorexApiProcess[]> {
    try {
      return await this.processes();
    } catch (error) {
      if (error instanceof CorexUnreachableError) return [];
      throw error;
    }
  }

  private ok(body: unknown): unknown {
    const answer = body as { status?: string; reason?: string };
    if (answer.status !== 'success') throw this.failure(answer);
    return answer;
  }

  private failure(answer: { reason?: string }): Error {
    return new Error(`${this.workloadId}: corex: ${answer.reason ?? 'unknown error'}`);
  }

  private async json(path: string): Promise<unknown> {
    const { status, body } = await this.get(path);
    if (status === 503) throw new CorexUnreachableError(this.workloadId, (JSON.parse(body) as { reason?: string }).reason ?? 'unavailable');
    if (status !== 200) throw new Error(`${this.workloadId}: corex ${path}: HTTP ${status}`);
    return JSON.parse(body) as unknown;
  }

  /** One request per connection, so no idle socket keeps a worker alive. */
  private get(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${this.baseUrl}${path}`);
      const dial = this.dial;
      // http uses createConnection only without an agent (agent: false makes a fresh one that ignores it).
      const through = dial === undefined ? { agent: false as const } : { createConnection: () => dial(url.hostname, Number(url.port || 80)) };
      const req = request(url, { timeout: TIMEOUT_MS, ...through }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (error) => reject(new CorexUnreachableError(this.workloadId, `${this.baseUrl}: ${error.message}`)));
      req.end();
    });
  }
}
