// The host Web Gateway as a real HTTP proxy: routing by Host to name and FQDN proxies, headers and
// bodies passed through, and zos's validation rules refusing bad workloads with the field named.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { HostGateway } from '../../workers/host/gateway/host-gateway.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

function call(port: number, host: string, path = '/', method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A backend that echoes who it is, the method, path, body and the forwarded headers. */
async function backend(label: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('x-backend', label);
      res.end(`${label} ${req.method} ${req.url} host=${req.headers.host} xfh=${req.headers['x-forwarded-host']} xff=${req.headers['x-forwarded-for']} body=${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('routes by Host header to name and FQDN proxies; unknown hosts get a 404 from the gateway', async (t) => {
  const a = await backend('alpha');
  const b = await backend('shop');
  const gw = await HostGateway.start({ domain: 'gw.test', allowLoopbackBackends: true });
  t.teardown(async () => {
    await gw.close();
    a.server.close();
    b.server.close();
  });
  t.deepEqual(gw.addNameProxy('1-1-alpha', { name: 'alpha', backends: [a.url] }), { fqdn: 'alpha.gw.test' });
  t.deepEqual(gw.addFqdnProxy('1-1-shop', { fqdn: 'shop.example.org', backends: [b.url] }), { fqdn: 'shop.example.org' });

  const first = await call(gw.port, `alpha.gw.test:${gw.port}`, '/x?y=1');
  t.is(first.status, 200);
  t.regex(first.body, /^alpha GET \/x\?y=1 host=alpha\.gw\.test:\d+ xfh=alpha\.gw\.test:\d+ xff=127\.0\.0\.1 body=$/);
  t.is(first.headers['x-backend'], 'alpha');
  const second = await call(gw.port, 'SHOP.example.org', '/cart', 'POST', 'two apples');
  t.is(second.status, 200);
  t.regex(second.body, /^shop POST \/cart .* body=two apples$/);
  const unknown = await call(gw.port, 'nobody.gw.test');
  t.is(unknown.status, 404);
  t.is(unknown.body, "404 no gateway proxy for host 'nobody.gw.test'\n");
  t.true(gw.url.startsWith('http://127.0.0.1:'), 'bound to loopback by default');
});

test('zos backend rules: http scheme, IP literal, no loopback unless the test flag allows it; fields named', async (t) => {
  const gw = await HostGateway.start({ domain: 'gw.test' });
  t.teardown(() => gw.close());
  const bad = (data: unknown, type: 'name' | 'fqdn' = 'name') => t.throws(() => (type === 'name' ? gw.addNameProxy('w', data) : gw.addFqdnProxy('w', data)));
  t.regex(bad({ name: 'site', backends: ['https://1.2.3.4'] })!.message, /field backends\[0\]: 'https:\/\/1\.2\.3\.4' scheme must be http, not https/);
  t.regex(bad({ name: 'site', backends: ['http://example.com:80'] })!.message, /field backends\[0\]: .*must use an IP address, not 'example\.com'/);
  t.regex(bad({ name: 'site', backends: ['http://127.0.0.1:8080'] })!.message, /field backends\[0\]: .*loopback/);
  t.regex(bad({ name: 'site', backends: ['http://[::1]:8080'] })!.message, /field backends\[0\]: .*loopback/);
  t.regex(bad({ name: 'site', backends: [] })!.message, /field backends: backends list can not be empty/);
  t.regex(bad({ name: 'site', backends: ['http://1.2.3.4', 'http://5.6.7.8'] })!.message, /field backends: only one backend is supported, got 2/);
  t.regex(bad({ name: 'bad name!', backends: ['http://1.2.3.4'] })!.message, /field name: must match/);
  t.regex(bad({ fqdn: 'nodot', backends: ['http://1.2.3.4'] }, 'fqdn')!.message, /field fqdn: must be a domain name/);
  t.regex(bad({ fqdn: 'x.gw.test', backends: ['http://1.2.3.4'] }, 'fqdn')!.message, /field fqdn: fqdn x\.gw\.test must not be a subdomain of the gateway's domain/);
  t.regex(bad({ name: 'site', backends: ['1.2.3.4:443'], tls_passthrough: true })!.message, /field tls_passthrough: not supported by the host gateway/);
  t.regex(bad({ name: 'site', backends: ['http://10.1.2.3'], network: 'net1' })!.message, /field network: gateway node is not part of network 'net1'/);

  // A private address is a valid backend (zos reaches it through the user's network); duplicates are refused.
  t.deepEqual(gw.addNameProxy('w1', { name: 'site', backends: ['http://10.1.2.3:8080'] }), { fqdn: 'site.gw.test' });
  t.regex(bad({ name: 'site', backends: ['http://1.2.3.4'] })!.message, /field name: domain already registered: site\.gw\.test/);
  const noDomain = await HostGateway.start({});
  t.teardown(() => noDomain.close());
  t.throws(() => noDomain.addNameProxy('w', { name: 'site', backends: ['http://1.2.3.4'] }), { message: /field name: gateway node has no public config with a domain/ });
  const strictOwner = await HostGateway.start({ domain: 'gw.test', nameContractOwner: () => 7 });
  t.teardown(() => strictOwner.close());
  t.throws(() => strictOwner.addNameProxy('w', { name: 'site', backends: ['http://1.2.3.4'] }, 8), { message: /owned by twin 7, not 8/ });
});

test('without health checks (zos behaviour) a dead backend gives a clear 502', async (t) => {
  const a = await backend('gone');
  a.server.close();
  const gw = await HostGateway.start({ domain: 'gw.test', allowLoopbackBackends: true });
  t.teardown(() => gw.close());
  gw.addNameProxy('w', { name: 'dead', backends: [a.url] });
  const answer = await call(gw.port, 'dead.gw.test');
  t.is(answer.status, 502);
  t.regex(answer.body, new RegExp(`^502 bad gateway: backend ${a.url.replace(/\./g, '\\.')} failed: connect ECONNREFUSED`));
});
