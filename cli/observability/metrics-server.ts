// `/metrics` over node:http for Prometheus to scrape. Loopback unless a host is given: the numbers
// name queues and nodes, which is not for every network.

import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { listenHttp } from './listen.js';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetrics(registry: Registry, options: { readonly port: number; readonly host?: string }): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  const base = await listenHttp(server, options.port, options.host);
  return {
    url: `${base}/metrics`,
    close: () => {
      // A scraper's keep-alive connection must not hold the process open.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
