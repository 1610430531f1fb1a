// The host Web Gateway's Prometheus metrics (Traefik's names), served over real HTTP: requests are
// counted by status code per proxy (200 served, 503 when no backend is healthy) and at the entrypoint (404 for a host no proxy serves), with body bytes; a dead backend shows
// traefik_service_server_up 0 once the health checks find it.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { serveMetrics } from '../../cli/observability/metrics-server.js';
import { HostGateway } from '../../workers/host/gateway/host-gateway.js';
import { GatewayMetrics } from '../../workers/host/gateway/metrics.js';
import { parsePromText, sumOf, type Sample } from '../helpers/prom-text.js';
import { waitUntil } from '../helpers/wait.js';

const policy = { intervalS: 0.1, timeoutS: 0.05, unhealthyAfter: 2, healthyAfter: 1 };

function call(port: number, host: string, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: body === '' ? 'GET' : 'POST', headers: { host }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function kill(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function scrape(url: string): Promise<Sample[]> {
  return parsePromText(await (await fetch(url)).text());
}

test('gateway /metrics: requests by code per proxy and at the entrypoint, bytes, and a dead backend down', async (t) => {
  const backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('hello from the backend'));
  });
  const port = await listen(backend);
  // A port nothing listens on: its proxy is checked, found down, and answers 503.
  const spare = createServer();
  const deadPort = await listen(spare);
  await kill(spare);
  const metrics = new GatewayMetrics();
  const gw = await HostGateway.start({ domain: 'gw.test', allowLoopbackBackends: true, allowSeveralBackends: true, healthCheck: policy, metrics });
  const served = await serveMetrics(metrics.registry, { port: 0 });
  t.teardown(async () => {
    await gw.close();
    await served.close();
    if (backend.listening) await kill(backend);
  });
  gw.addNameProxy('live', { name: 'live', backends: [`http://127.0.0.1:${port}`] });
  gw.addNameProxy('dead', { name: 'dead', backends: [`http://127.0.0.1:${deadPort}`] });
  await waitUntil('the dead backend found down', () => gw.backendHealth('dead.gw.test')[0]!, { until: (h) => !h.healthy });

  const replies = [await call(gw.port, 'live.gw.test'), await call(gw.port, 'live.gw.test', 'twelve bytes'), await call(gw.port, 'dead.gw.test'), await call(gw.port, 'nobody.gw.test')];
  t.deepEqual(replies.map((r) => r.status), [200, 200, 503, 404]);

  const samples = await scrape(served.url);
  const live = 'live.gw.test';
  t.is(sumOf(samples, 'traefik_service_requests_total', { service: live, code: '200' }), 2);
  t.is(sumOf(samples, 'traefik_service_requests_total', { service: live, code: '200', method: 'POST' }), 1);
  t.is(sumOf(samples, 'traefik_service_requests_total', { service: 'dead.gw.test', code: '503' }), 1);
  t.is(sumOf(samples, 'traefik_service_requests_total'), 3, 'the unrouted request has no service');
  t.is(sumOf(samples, 'traefik_entrypoint_requests_total', { code: '404', entrypoint: 'web' }), 1);
  t.is(sumOf(samples, 'traefik_entrypoint_requests_total'), 4, 'every request at the entrypoint');
  t.is(sumOf(samples, 'traefik_service_request_duration_seconds_count', { service: live }), 2);
  t.is(sumOf(samples, 'traefik_service_requests_bytes_total', { service: live }), 'twelve bytes'.length);
  t.is(sumOf(samples, 'traefik_service_responses_bytes_total', { service: live }), 2 * 'hello from the backend'.length);
  t.is(sumOf(samples, 'traefik_service_responses_bytes_total', { service: 'dead.gw.test' }), Buffer.byteLength(replies[2]!.body));
  t.is(sumOf(samples, 'traefik_service_server_up', { service: live, url: `http://127.0.0.1:${port}` }), 1);
  t.is(sumOf(samples, 'traefik_service_server_up', { service: 'dead.gw.test', url: `http://127.0.0.1:${deadPort}` }), 0);

  // The live backend dies: the checks mark it down, and its requests are 503s from then on.
  await kill(backend);
  await waitUntil('the live backend found down', async () => sumOf(await scrape(served.url), 'traefik_service_server_up', { service: live }), { until: (up) => up === 0 });
  t.is((await call(gw.port, live)).status, 503);
  const after = await scrape(served.url);
  t.is(sumOf(after, 'traefik_service_requests_total', { service: live, code: '503' }), 1);
});
