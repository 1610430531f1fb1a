// The Web Gateway as zos has it (DOMAIN 1.10, 5.15): deploy checks, one gateway per site so a dead
// gateway node is a dead site, 502 for an unreachable backend, and latency through the chosen path.
import test from 'ava';

import { constant, exponentialFromMean } from '../../sim/engine/distributions.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Trace } from '../../sim/engine/trace.js';
import { GatewayService, startNameValidation, UnderlayPathProvider, type BackendAddress } from '../../sim/network/gateway/index.js';
import { buildTopology } from '../../sim/network/topology/graph.js';

// 0 gateway ─10 ms─ 1 router ─20 ms─ 2 backend; the detour 0 ─500 ms─ 3 ─5 ms─ 2.
const tiny = buildTopology({ source: 'tiny', labels: ['gw', 'router', 'backend', 'detour'], from: [0, 1, 0, 3], to: [1, 2, 3, 2], latencyS: [0.01, 0.02, 0.5, 0.005] });
const hostByIp = new Map([['10.0.0.2', 2], ['93.184.216.34', 2]]);
const hostOf = (backend: BackendAddress): number | undefined => hostByIp.get(backend.ip);

function world(options: { serviceS?: number } = {}) {
  const sim = new Simulation();
  const nodeUp = new Uint8Array(tiny.nodeCount).fill(1);
  const linkUp = new Uint8Array(tiny.edgeCount).fill(1);
  const paths = new UnderlayPathProvider(tiny, { hostOf, nodeUp, linkUp });
  const service = new GatewayService(sim, { paths: paths.provider, serviceTime: constant(options.serviceS ?? 0.002) });
  service.addGateway({ node: 0, domain: 'gent01.grid.tf', publicIps: ['185.69.166.1'], networks: ['mynet'] });
  return { sim, service, paths, nodeUp, linkUp };
}

const owner = (name: string): number | undefined => (name === 'myapp' ? 42 : name === 'theirs' ? 7 : undefined);
const dns = (fqdn: string): string[] => (fqdn === 'shop.example.com' ? ['185.69.166.1'] : ['1.2.3.4']);
const context = { twin: 42, nameContractOwner: owner, resolve: dns };
const nameProxy = { name: 'myapp', tls_passthrough: false, backends: ['http://93.184.216.34:8080'] };

test('latency = client leg + 2 × gateway→backend shortest path + service time, on a hand-computed graph', (t) => {
  const { sim, service, paths, linkUp, nodeUp } = world();
  t.deepEqual(service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, context), { ok: true, fqdn: 'myapp.gent01.grid.tf' });
  const host = 'myapp.gent01.grid.tf';
  const first = service.request(host, 1, 0.04);
  // Cut the gateway–router link: the path becomes the 505 ms detour.
  sim.scheduleAt(2, () => {
    linkUp[0] = 0;
    paths.invalidate();
  });
  const second = service.request(host, 3, 0.04);
  // Lose the detour node too: nothing reaches the backend, traefik answers 502 at once.
  sim.scheduleAt(4, () => {
    nodeUp[3] = 0;
    paths.invalidate();
  });
  const third = service.request(host, 5, 0.04);
  sim.run();
  t.like(first.value, { outcome: 'ok', status: 200, gateway: 0, backend: 'http://93.184.216.34:8080' });
  t.is(first.value!.latencyS, 0.04 + 2 * (0.01 + 0.02) + 0.002); // 0.102 s
  t.true(Math.abs(first.value!.latencyS! - 0.102) < 1e-12);
  t.true(Math.abs(second.value!.latencyS! - (0.04 + 2 * 0.505 + 0.002)) < 1e-12); // 1.052 s
  t.like(third.value, { outcome: 'bad-gateway', status: 502, latencyS: 0.04 });
  t.deepEqual(service.log.map((r) => r.atS), [1, 3, 5]);
});

test('real behaviour: the gateway node fails, the site stops answering until the node returns', (t) => {
  const { sim, service } = world();
  service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, context);
  const host = 'myapp.gent01.grid.tf';
  sim.scheduleAt(10, () => service.failGateway(0));
  sim.scheduleAt(3600, () => service.restoreGateway(0));
  for (const atS of [5, 10, 11, 600, 3599, 3600, 3700]) service.request(host, atS, 0.01);
  sim.run();
  t.deepEqual(
    service.log.map((r) => [r.atS, r.outcome, r.status, r.latencyS === undefined]),
    [
      [5, 'ok', 200, false],
      // The failure at t=10 was scheduled first, so it happens before the request at the same instant.
      [10, 'no-answer', undefined, true],
      [11, 'no-answer', undefined, true],
      [600, 'no-answer', undefined, true],
      [3599, 'no-answer', undefined, true],
      [3600, 'ok', 200, false],
      [3700, 'ok', 200, false],
    ],
  );
});

test('real behaviour: a second gateway that is not in DNS does not help', (t) => {
  const { sim, service } = world();
  service.addGateway({ node: 1, domain: 'gent02.grid.tf', publicIps: ['185.69.166.2'] });
  service.deploy(0, 'w1', 'gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends: ['http://93.184.216.34'] }, context);
  // DNS points shop.example.com at gateway 0 only, so gateway 1 refuses the domain.
  t.like(service.deploy(1, 'w2', 'gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends: ['http://93.184.216.34'] }, context), { ok: false });
  sim.scheduleAt(1, () => service.failGateway(0));
  service.request('shop.example.com', 2);
  sim.run();
  t.like(service.log[0], { outcome: 'no-answer', gateway: 0 });
});

test('node-side deploy checks give zos-like reasons', (t) => {
  const { service } = world();
  service.addGateway({ node: 3 });
  let next = 0;
  const reason = (node: number, type: 'gateway-name-proxy' | 'gateway-fqdn-proxy', data: object, twin = 42): string => {
    const result = service.deploy(node, `w${next++}`, type, data, { ...context, twin });
    return result.ok ? 'ok' : result.reason;
  };
  const backends = ['http://93.184.216.34'];
  t.regex(reason(3, 'gateway-name-proxy', { name: 'myapp', backends }), /no public config with a domain/);
  t.regex(reason(0, 'gateway-name-proxy', { name: 'nobody', backends }), /no name contract/);
  t.regex(reason(0, 'gateway-name-proxy', { name: 'theirs', backends }), /owned by twin 7, not 42/);
  t.regex(reason(0, 'gateway-fqdn-proxy', { fqdn: 'www.gent01.grid.tf', backends }), /must not be a subdomain/);
  t.regex(reason(0, 'gateway-fqdn-proxy', { fqdn: 'blog.example.com', backends }), /does not resolve to this gateway/);
  t.regex(reason(0, 'gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends: ['http://10.0.0.2'], network: 'other' }), /not part of network 'other'/);
  t.is(reason(0, 'gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends: ['http://10.0.0.2'], network: 'mynet' }), 'ok');
  t.regex(reason(0, 'gateway-fqdn-proxy', { fqdn: 'shop.example.com', backends }), /domain already registered/);
  t.regex(reason(0, 'gateway-fqdn-proxy', { fqdn: 'x.example.com', backends: ['https://1.1.1.1'] }), /field backends\[0\]: .*scheme must be http/);
  service.gateway(0).fail();
  t.regex(reason(0, 'gateway-name-proxy', { name: 'myapp', backends }), /gateway node is down/);
});

test('unknown hosts and hosts a gateway does not hold', (t) => {
  const { sim, service } = world();
  service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, context);
  service.front.addRecord('stale.example.com', service.gateway(0));
  service.request('nowhere.example.com', 1);
  service.request('stale.example.com', 1, 0.03);
  service.request('MYAPP.gent01.grid.tf', 1);
  sim.run();
  t.deepEqual(service.log.map((r) => [r.outcome, r.status]), [['unknown-host', undefined], ['not-found', 404], ['ok', 200]]);
});

test('bad arguments are rejected naming the field', (t) => {
  const { service } = world();
  t.throws(() => service.request('x', 1, -1), { message: /field clientLatencyS/ });
  t.throws(() => service.gateway(9), { message: /field node: node 9 is not a gateway/ });
  t.throws(() => service.addGateway({ node: 0 }), { message: /already a gateway/ });
  t.throws(() => service.enableGatewayFailover({ timeoutS: 5, intervalS: 1 }), { message: /field timeoutS: must not exceed intervalS/ });
  t.throws(() => service.enableGatewayFailover({ unhealthyAfter: 0 }), { message: /field unhealthyAfter/ });
  t.throws(() => new UnderlayPathProvider(tiny, { hostOf, nodeUp: new Uint8Array(2) }), { message: /field nodeUp: needs 4 entries/ });
});

/** Random request times, random service times and a gateway failure, all from one seed. */
function seededRun(seed: number): string {
  const streams = new RngStreams(seed);
  const sim = new Simulation();
  const trace = new Trace(true);
  const paths = new UnderlayPathProvider(tiny, { hostOf });
  const service = new GatewayService(sim, { paths: paths.provider, serviceTime: exponentialFromMean(0.005), rng: streams.stream('gateway/service'), trace });
  service.addGateway({ node: 0, publicIps: ['185.69.166.1'] });
  service.addGateway({ node: 1, publicIps: ['185.69.166.2'] });
  const resolve = (): string[] => ['185.69.166.1', '185.69.166.2'];
  const data = { fqdn: 'shop.example.com', backends: ['http://93.184.216.34'] };
  service.deploy(0, 'a', 'gateway-fqdn-proxy', data, { twin: 1, resolve });
  service.deploy(1, 'b', 'gateway-fqdn-proxy', data, { twin: 1, resolve });
  service.enableGatewayFailover({ intervalS: 1, timeoutS: 0.5, unhealthyAfter: 2, healthyAfter: 2 });
  const faults = streams.stream('faults');
  sim.scheduleAt(5 + faults.next() * 20, () => service.failGateway(0));
  const clients = streams.stream('clients');
  for (let i = 0, atS = 0; i < 60; i++) service.request('shop.example.com', (atS += clients.next()), clients.next() * 0.05);
  sim.run({ untilS: 100 });
  return JSON.stringify(service.log) + trace.hash();
}

test('determinism: the same seed gives the same request log, another seed a different one', (t) => {
  const a = seededRun(7);
  t.is(seededRun(7), a);
  t.not(seededRun(8), a);
  t.true(a.includes('"gateway":1'), 'the failover gateway served some requests');
});

test('hourly name-contract check: a proxy whose contract is cancelled is decommissioned at the next check', (t) => {
  const { sim, service } = world();
  let contractOwner: number | undefined = 42;
  const ownerNow = (name: string): number | undefined => (name === 'myapp' ? contractOwner : undefined);
  t.like(service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, { twin: 42, nameContractOwner: ownerNow }), { ok: true });
  // A re-run (node reboot) of the same workload is idempotent; another workload cannot take the name.
  t.like(service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, { twin: 42, nameContractOwner: ownerNow }), { ok: true });
  t.like(service.deploy(0, 'w2', 'gateway-name-proxy', nameProxy, { twin: 42, nameContractOwner: ownerNow }), { ok: false, reason: 'domain already registered: myapp.gent01.grid.tf' });
  const decommissioned: [readonly string[], number][] = [];
  const validation = startNameValidation(service, ownerNow, (ids, atS) => decommissioned.push([ids, atS]));
  sim.scheduleAt(1800, () => (contractOwner = undefined));
  for (const atS of [3000, 3599, 3601]) service.request('myapp.gent01.grid.tf', atS);
  sim.run({ untilS: 3 * 3600 });
  validation.stop();
  sim.run();
  t.deepEqual(decommissioned, [[['w1'], 3600]]);
  t.deepEqual(service.log.map((r) => r.outcome), ['ok', 'ok', 'unknown-host']);
  t.throws(() => service.request('myapp.gent01.grid.tf', 5), { message: /field atS: must be now/ });
});

test('hourly name-contract check: each node keeps its own ticker from boot, and a reboot starts the hour again', (t) => {
  const { sim, service } = world();
  let contractOwner: number | undefined = 42;
  const ownerNow = (name: string): number | undefined => (name === 'myapp' ? contractOwner : undefined);
  t.like(service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, { twin: 42, nameContractOwner: ownerNow }), { ok: true });
  const decommissioned: [readonly string[], number][] = [];
  const validation = startNameValidation(service, ownerNow, (ids, atS) => decommissioned.push([ids, atS]));
  sim.scheduleAt(100, () => (contractOwner = undefined));
  // Down at 1800 s, back at 2000 s: zos's module restarts with the node, its first round at 2000 + 3600.
  sim.scheduleAt(1800, () => service.failGateway(0));
  sim.scheduleAt(2000, () => service.restoreGateway(0));
  for (const atS of [3700, 5599, 5601]) service.request('myapp.gent01.grid.tf', atS);
  sim.run({ untilS: 6000 });
  t.deepEqual(decommissioned, [[['w1'], 5600]]);
  t.deepEqual(service.log.map((r) => r.outcome), ['ok', 'ok', 'unknown-host']);
  validation.stop();
  sim.run();
  t.is(sim.pendingCount, 0, 'a stopped validation leaves nothing scheduled');
});

test('hourly name-contract check: a node that reboots within every hour never runs it', (t) => {
  const { sim, service } = world();
  t.like(service.deploy(0, 'w1', 'gateway-name-proxy', nameProxy, { twin: 42, nameContractOwner: owner }), { ok: true });
  const decommissioned: string[] = [];
  const validation = startNameValidation(service, () => undefined, (ids) => decommissioned.push(...ids));
  for (let k = 1; k <= 5; k++) {
    sim.scheduleAt(k * 3000, () => service.failGateway(0));
    sim.scheduleAt(k * 3000 + 60, () => service.restoreGateway(0));
  }
  sim.run({ untilS: 5 * 3000 + 60 });
  t.deepEqual(decommissioned, [], 'no tick reached 3600 s of uptime');
  sim.run({ untilS: 5 * 3000 + 60 + 3600 + 1 });
  t.deepEqual(decommissioned, ['w1']);
  validation.stop();
});
