// Health-checked failover in the host Web Gateway (our addition to zos): a dead or hanging backend is
// routed around within the health-check bound (measured), all down gives 503, recovery routes back.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { HostGateway } from '../../workers/host/gateway/host-gateway.js';
import { waitUntil } from '../helpers/wait.js';

const policy = { intervalS: 0.1, timeoutS: 0.05, unhealthyAfter: 2, healthyAfter: 1 };
/** Timers on a loaded 2-core box run late; this is the allowance on top of the policy's bound. */
const SLACK_S = 0.4;

function call(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function labelled(label: string): Server {
  return createServer((_req, res) => res.end(label));
}

async function kill(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

test('a dead backend is routed around within the bound; all dead gives 503; a revived one takes over again', async (t) => {
  const a = labelled('alpha');
  const b = labelled('beta');
  const portA = await listen(a);
  const portB = await listen(b);
  const gw = await HostGateway.start({ domain: 'gw.test', allowLoopbackBackends: true, allowSeveralBackends: true, healthCheck: policy });
  const revived = labelled('alpha-again');
  t.teardown(async () => {
    await gw.close();
    for (const server of [a, b, revived]) if (server.listening) await kill(server);
  });
  gw.addNameProxy('w', { name: 'site', backends: [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`] });
  const boundS = gw.failoverBoundS!;
  t.is(boundS, 0.25, 'interval × unhealthyAfter + timeout');
  t.is((await call(gw.port, 'site.gw.test')).body, 'alpha', 'the first healthy backend in order serves');

  await kill(a);
  const killedMs = Date.now();
  const during = await call(gw.port, 'site.gw.test');
  t.is(during.status, 502, 'until the checks notice, requests still go to the dead backend');
  await waitUntil('beta to answer', () => call(gw.port, 'site.gw.test'), { until: (x) => x.body === 'beta', timeoutMs: 5_000 });
  const failoverS = (Date.now() - killedMs) / 1000;
  t.log(`failover alpha→beta after ${failoverS.toFixed(3)} s (bound ${boundS} s)`);
  t.true(failoverS <= boundS + SLACK_S, `failover took ${failoverS} s`);
  t.false(gw.backendHealth('site.gw.test')[0]!.healthy);

  await kill(b);
  const allDownMs = Date.now();
  const none = await waitUntil('a 503', () => call(gw.port, 'site.gw.test'), { until: (x) => x.status === 503, timeoutMs: 5_000 });
  const noneS = (Date.now() - allDownMs) / 1000;
  t.regex(none.body, /^503 service unavailable: no healthy backend for site\.gw\.test \(all failing health checks: http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+\)\n$/);
  t.true(noneS <= boundS + SLACK_S, `503 after ${noneS} s`);

  await listen(revived, portA);
  const backMs = Date.now();
  await waitUntil('the revived alpha to answer', () => call(gw.port, 'site.gw.test'), { until: (x) => x.body === 'alpha-again', timeoutMs: 5_000 });
  const recoveryS = (Date.now() - backMs) / 1000;
  t.log(`all down → 503 after ${noneS.toFixed(3)} s; alpha back in service after ${recoveryS.toFixed(3)} s`);
  t.true(recoveryS <= policy.intervalS * policy.healthyAfter + policy.timeoutS + SLACK_S);
});

test('a backend that accepts but never answers fails its probes by timeout and is skipped', async (t) => {
  const hang = createServer(() => undefined); // never responds
  const ok = labelled('ok');
  const portHang = await listen(hang);
  const portOk = await listen(ok);
  const gw = await HostGateway.start({ domain: 'gw.test', allowLoopbackBackends: true, allowSeveralBackends: true, healthCheck: policy, requestTimeoutS: 0.5 });
  t.teardown(async () => {
    await gw.close();
    await kill(hang);
    await kill(ok);
  });
  const startedMs = Date.now();
  gw.addNameProxy('w', { name: 'slow', backends: [`http://127.0.0.1:${portHang}`, `http://127.0.0.1:${portOk}`] });
  await waitUntil('ok to answer', () => call(gw.port, 'slow.gw.test'), { until: (x) => x.body === 'ok', timeoutMs: 5_000 });
  const tookS = (Date.now() - startedMs) / 1000;
  const [hangHealth, okHealth] = gw.backendHealth('slow.gw.test');
  t.false(hangHealth!.healthy);
  t.true(hangHealth!.consecutiveFailures >= policy.unhealthyAfter);
  t.true(okHealth!.healthy);
  t.true(tookS <= gw.failoverBoundS! + 0.5 + SLACK_S, `took ${tookS} s`);
  t.log(`hanging backend skipped after ${tookS.toFixed(3)} s`);
});

test('health-check policy errors name the field', async (t) => {
  await t.throwsAsync(HostGateway.start({ healthCheck: { intervalS: 0 } }), { message: /field intervalS/ });
  await t.throwsAsync(HostGateway.start({ healthCheck: { intervalS: 1, timeoutS: 2 } }), { message: /field timeoutS: must not exceed intervalS/ });
  await t.throwsAsync(HostGateway.start({ healthCheck: { unhealthyAfter: 0.5 } }), { message: /field unhealthyAfter/ });
});
