// Gateway workload validation against zos's Valid() rules (gw.go, gw_name.go, gw_fqdn.go and zos's own
// gw_test.go cases) and tfchain's name-contract rule: every rejection names the field at fault.
import test from 'ava';

import { InputError } from '../../sim/errors.js';
import { compileGatewayProxy, gatewayIssues, parseBackend, type GatewayProxyType } from '../../sim/network/gateway/index.js';

const http = (backend: string): Record<string, unknown> => ({ tls_passthrough: false, backends: [backend] });
const tls = (backend: string): Record<string, unknown> => ({ tls_passthrough: true, backends: [backend] });

const accepted: [GatewayProxyType, Record<string, unknown>][] = [
  ['gateway-name-proxy', { name: 'myapp', ...http('http://1.1.1.1') }],
  ['gateway-name-proxy', { name: 'my-app_2', ...http('http://1.1.1.1:10') }],
  ['gateway-name-proxy', { name: 'abc', ...tls('1.1.1.1:10') }],
  ['gateway-name-proxy', { name: 'x'.repeat(64), ...http('http://[2001:db8:3333:4444:CCCC:DDDD:EEEE:FFFF]:10') }],
  ['gateway-name-proxy', { name: 'znet', ...http('http://10.1.2.3:8080'), network: 'mynet' }],
  // zos's passthrough parser never checks the address class (zos gw_test.go accepts 127.0.0.1:8080).
  ['gateway-name-proxy', { name: 'loop', ...tls('127.0.0.1:8080') }],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://93.184.216.34') }],
  ['gateway-fqdn-proxy', { fqdn: 'a.b-c.d_e.io', ...tls('[2001:db8::1]:443') }],
  ['gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends: ['http://1.1.1.1'] }], // tls_passthrough defaults to false
  ['gateway-fqdn-proxy', { fqdn: 'ygg.example.com', ...http('http://[300:1234::1]:80') }],
];

for (const [type, data] of accepted) {
  test(`accepts ${type} ${JSON.stringify(data)}`, (t) => {
    t.deepEqual(gatewayIssues(type, data), []);
    const spec = compileGatewayProxy('w', type, data);
    t.is(spec.backends.length, 1);
    t.is(spec.tlsPassthrough, data['tls_passthrough'] === true);
  });
}

const rejected: [GatewayProxyType, unknown, string, RegExp][] = [
  ['gateway-name-proxy', { name: 'my.app', ...http('http://1.1.1.1') }, 'name', /must match/],
  ['gateway-name-proxy', { name: '', ...http('http://1.1.1.1') }, 'name', /must match/],
  ['gateway-name-proxy', { name: 42, ...http('http://1.1.1.1') }, 'name', /must match/],
  ['gateway-name-proxy', { name: 'ab', ...http('http://1.1.1.1') }, 'name', /3\.\.64 characters, got 2/],
  ['gateway-name-proxy', { name: 'x'.repeat(65), ...http('http://1.1.1.1') }, 'name', /3\.\.64 characters, got 65/],
  ['gateway-name-proxy', { name: 'MyApp', ...http('http://1.1.1.1') }, 'name', /lower-case/],
  ['gateway-fqdn-proxy', { fqdn: 'localhost', ...http('http://1.1.1.1') }, 'fqdn', /domain name/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com.', ...http('http://1.1.1.1') }, 'fqdn', /domain name/],
  ['gateway-fqdn-proxy', { fqdn: 'example.c', ...http('http://1.1.1.1') }, 'fqdn', /domain name/],
  ['gateway-fqdn-proxy', { fqdn: 'exa mple.com', ...http('http://1.1.1.1') }, 'fqdn', /domain name/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', tls_passthrough: 'yes', backends: ['http://1.1.1.1'] }, 'tls_passthrough', /boolean/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', backends: [] }, 'backends', /can not be empty/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com' }, 'backends', /can not be empty/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', backends: [7] }, 'backends[0]', /must be a string/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('https://3.3.3.3') }, 'backends[0]', /scheme must be http/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('ftp://1.1.1.1') }, 'backends[0]', /scheme must be http/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('1.1.1.1:80') }, 'backends[0]', /URL of the form/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://ip:10') }, 'backends[0]', /IP address/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://localhost') }, 'backends[0]', /IP address/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://1.1') }, 'backends[0]', /IP address/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://127.0.0.1') }, 'backends[0]', /loopback/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://[::1]') }, 'backends[0]', /loopback/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://1.1.1.1:port') }, 'backends[0]', /invalid port/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://1.1.1.1:70000') }, 'backends[0]', /<= 65535/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('http://1.1.1.1:10') }, 'backends[0]', /not a URL/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('1.1.1.1') }, 'backends[0]', /missing port/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('1.1.1.1:port') }, 'backends[0]', /invalid port/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('ip:10') }, 'backends[0]', /IP address/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('1.1.1.1:1000000') }, 'backends[0]', /<= 65535/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('2001:db8::1:8080') }, 'backends[0]', /too many colons/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...tls('[fe80::1%eth0]:80') }, 'backends[0]', /IP address/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://10.0.0.1'), network: 3 }, 'network', /network workload/],
  ['gateway-fqdn-proxy', { fqdn: 'example.com', ...http('http://10.0.0.1'), network: '' }, 'network', /network workload/],
  ['gateway-fqdn-proxy', 'not an object', '', /JSON object/],
];

for (const [type, data, field, message] of rejected) {
  test(`rejects ${type} ${JSON.stringify(data)} at field '${field}'`, (t) => {
    const issues = gatewayIssues(type, data);
    t.true(issues.length >= 1);
    t.is(issues[0]!.field, field);
    t.regex(issues[0]!.message, message);
    const error = t.throws(() => compileGatewayProxy('deployment 7 workload gw', type, data), { instanceOf: InputError });
    t.is(error?.field, field);
    if (field !== '') t.true(error!.message.includes(`field ${field}:`));
  });
}

test('several backends are accepted, as zosbase gw.go does; a caller may still ask for a one-backend limit', (t) => {
  const data = { fqdn: 'example.com', backends: ['http://1.1.1.1', 'http://2.2.2.2:8080'] };
  t.deepEqual(gatewayIssues('gateway-fqdn-proxy', data), []);
  const spec = compileGatewayProxy('w', 'gateway-fqdn-proxy', data);
  t.deepEqual(spec.backends.map((b) => [b.ip, b.port]), [['1.1.1.1', 80], ['2.2.2.2', 8080]]);
  const limited = gatewayIssues('gateway-fqdn-proxy', data, { allowSeveralBackends: false });
  t.like(limited[0], { field: 'backends', message: 'only one backend is supported, got 2' });
});

test('a parsed backend says which network reaches it', (t) => {
  const route = (raw: string, passthrough = false, network?: string): string => {
    const parsed = parseBackend(raw, passthrough, network);
    return typeof parsed === 'string' ? parsed : parsed.route;
  };
  t.is(route('http://93.184.216.34'), 'public');
  t.is(route('http://[2001:db8::1]'), 'public');
  t.is(route('http://[200:1:2::3]:8000'), 'planetary');
  t.is(route('[3ff:abcd::1]:443', true), 'planetary');
  t.is(route('http://[4a1:2::3]'), 'mycelium');
  t.is(route('http://10.1.3.2:9000', false, 'net1'), 'znet');
});
