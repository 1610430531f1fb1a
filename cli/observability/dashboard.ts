// Bull Board over named BullMQ queues, served by node:http (board-adapter.ts). Leaves out
// authentication: it listens on loopback unless told otherwise, as the command's help says.

import { createServer } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Queue } from 'bullmq';
import { connectionOptions } from '../../scheduler/transports/bullmq/connection.js';
import { HttpBoardAdapter } from './board-adapter.js';
import { listenHttp } from './listen.js';

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  readonly redisUrl: string;
  readonly queues: readonly string[];
  readonly port: number;
  readonly host?: string;
  /** Connection warnings; the board keeps serving and shows what it can. */
  readonly log?: (line: string) => void;
}

export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  const queues = options.queues.map((name) => new Queue(name, { connection: connectionOptions(options.redisUrl) }));
  for (const queue of queues) queue.on('error', (error) => options.log?.(`dashboard: queue ${queue.name}: ${error.message}`));
  const adapter = new HttpBoardAdapter();
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'zos-testbed queues' } } });
  const server = createServer(adapter.handle);
  const base = await listenHttp(server, options.port, options.host);
  return {
    url: `${base}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
