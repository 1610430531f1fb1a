// One proxied HTTP exchange: the client's request streamed to a backend and its answer streamed back,
// with X-Forwarded-* headers; a clear 502 when the backend fails before answering.

import { request, type IncomingMessage, type RequestOptions, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BackendAddress } from '../../../sim/network/gateway/backend-address.js';

/** A short text answer from the gateway itself (404, 502, 503), so users can tell it from a backend's. */
export function gatewayReply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status} ${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-zos-gateway': 'host' });
  res.end(body);
}

/** Hop-by-hop headers (RFC 9110 7.6.1) stay on their own connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? client : `${String(prior)}, ${client}`;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  return headers;
}

/** How the gateway opens a connection to a backend when not from this process's own network (a node namespace's dialer). */
export type BackendConnect = (host: string, port: number) => Promise<Socket>;

/** agent: false: a fresh connection per request, so a backend that goes away leaves no pooled socket behind. */
export function connectOptions(connect: BackendConnect | undefined, host: string, port: number): RequestOptions {
  if (connect === undefined) return { agent: false };
  // Without an agent, Node's ClientRequest calls createConnection and takes the socket from the callback.
  const createConnection = (_options: unknown, done: (error: Error | null, socket?: Socket) => void): undefined => {
    connect(host, port).then((socket) => done(null, socket), (error: Error) => done(error));
    return undefined;
  };
  return { createConnection: createConnection as unknown as RequestOptions['createConnection'] };
}

export function forward(req: IncomingMessage, res: ServerResponse, backend: BackendAddress, timeoutS: number, connect?: BackendConnect): void {
  const upstream = request(
    { host: backend.ip, port: backend.port, method: req.method, path: req.url, headers: forwardedHeaders(req), ...connectOptions(connect, backend.ip, backend.port) },
    (answer) => {
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      res.writeHead(answer.statusCode ?? 502, headers as Record<string, string | string[]>);
      answer.pipe(res);
    },
  );
  upstream.setTimeout(timeoutS * 1000, () => upstream.destroy(new Error(`no answer within ${timeoutS} s`)));
  upstream.on('error', (error) => gatewayReply(res, 502, `bad gateway: backend ${backend.raw} failed: ${error.message}`));
  req.pipe(upstream);
}
