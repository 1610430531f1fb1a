// The gateway as zos runs it: traefik round-robins over every backend with no health check, so one
// dead backend of k fails 1/k of requests; our health-checked failover (an option) fails none once
// the dead one is detected. Both on the virtual clock, with exact counts rather than tolerances.
import test from 'ava';
import fc from 'fast-check';

import { constant } from '../../sim/engine/distributions.js';
import { Simulation } from '../../sim/engine/simulation.js';
import {
  detectionBoundS,
  compileHealthCheck,
  GatewayService,
  UnderlayPathProvider,
  type BackendAddress,
  type GatewayFailover,
} from '../../sim/network/gateway/index.js';
import { buildTopology } from '../../sim/network/topology/graph.js';

// Gateway 0 reaches backends on nodes 1..5 over 10 ms links.
const star = buildTopology({
  source: 'star5',
  labels: ['gw', 'b1', 'b2', 'b3', 'b4', 'b5'],
  from: [0, 0, 0, 0, 0],
  to: [1, 2, 3, 4, 5],
  latencyS: [0.01, 0.01, 0.01, 0.01, 0.01],
});
const ipOf = (node: number): string => `10.0.0.${node}`;
const hostOf = (backend: BackendAddress): number | undefined => Number(backend.ip.split('.')[3]);
const host = 'shop.example.com';
const policy = { intervalS: 5, timeoutS: 1, unhealthyAfter: 3, healthyAfter: 2 };

/** One gateway, one proxy for `backendNodes`, and a mask to kill backend hosts with. */
function site(backendNodes: number[], failover?: GatewayFailover) {
  const sim = new Simulation();
  const nodeUp = new Uint8Array(star.nodeCount).fill(1);
  const paths = new UnderlayPathProvider(star, { hostOf, nodeUp });
  const service = new GatewayService(sim, { paths: paths.provider, serviceTime: constant(0.001), failover, failoverPolicy: policy });
  service.addGateway({ node: 0, domain: 'gw0.grid.test', publicIps: ['185.0.0.10'] });
  const deployed = service.deploy(0, 'w1', 'gateway-fqdn-proxy', { fqdn: host, backends: backendNodes.map((n) => `http://${ipOf(n)}`) }, { twin: 1, resolve: () => ['185.0.0.10'] });
  if (!deployed.ok) throw new Error(deployed.reason);
  const kill = (node: number): void => {
    nodeUp[node] = 0;
    paths.invalidate();
  };
  return { sim, service, kill };
}

/** `count` requests one second apart from `fromS`; returns how many failed and each backend's share. */
function load(s: ReturnType<typeof site>, fromS: number, count: number) {
  for (let i = 0; i < count; i++) s.service.request(host, fromS + i);
  s.sim.run({ untilS: fromS + count + 1 });
  s.service.stopHealthChecks();
  const records = s.service.log.filter((r) => r.atS >= fromS);
  const perBackend = new Map<string, number>();
  for (const r of records) perBackend.set(r.backend ?? '-', (perBackend.get(r.backend ?? '-') ?? 0) + 1);
  return { failed: records.filter((r) => r.outcome !== 'ok').length, records, perBackend };
}

test('must show: 3 backends, one dead — a third of requests fail without our failover, none with it', (t) => {
  for (const deadNode of [1, 2, 3]) {
    const zos = site([1, 2, 3]);
    zos.kill(deadNode);
    const without = load(zos, 1, 300);
    t.is(without.failed, 100, `zos, backend ${deadNode} dead`);
    t.true(without.records.every((r) => (r.backend === `http://${ipOf(deadNode)}`) === (r.outcome === 'bad-gateway') && r.outcome !== 'no-healthy-backend'));
    t.deepEqual([...without.perBackend.values()], [100, 100, 100], 'each backend keeps its third, dead or alive');

    const ours = site([1, 2, 3], 'health-check');
    ours.kill(deadNode);
    // The backend is dead from t=0: after the detection bound our failover never sends to it.
    const fromS = detectionBoundS(compileHealthCheck('t', policy)) + 0.5;
    const withFailover = load(ours, fromS, 300);
    t.is(withFailover.failed, 0, `our failover, backend ${deadNode} dead`);
    t.false(withFailover.perBackend.has(`http://${ipOf(deadNode)}`));
  }
  t.log('zos: 100 of 300 fail (502) whichever backend is dead; health-check failover: 0 of 300 after detection (16 s)');
});

test('one dead backend of k fails exactly 1/k of requests under round robin, for k = 1..5', (t) => {
  for (let k = 1; k <= 5; k++) {
    const s = site([1, 2, 3, 4, 5].slice(0, k));
    s.kill(k);
    t.is(load(s, 1, 60 * k).failed, 60, `k = ${k}`);
  }
});

test('round robin runs in the workload order, one position per proxy, and restarts with traefik', (t) => {
  const s = site([1, 2, 3]);
  s.service.deploy(0, 'w2', 'gateway-fqdn-proxy', { fqdn: 'blog.example.com', backends: [`http://${ipOf(4)}`, `http://${ipOf(5)}`] }, { twin: 1, resolve: () => ['185.0.0.10'] });
  const last = (h: string): string => s.service.serve(h).backend!.slice('http://10.0.0.'.length);
  const order = [host, host, 'blog.example.com', host, host, 'blog.example.com', 'blog.example.com'].map(last);
  t.deepEqual(order, ['1', '2', '4', '3', '1', '5', '4']);
  // A node reboot restarts traefik, whose balancers start from the first server again.
  s.service.failGateway(0);
  s.service.restoreGateway(0);
  t.deepEqual([last(host), last(host), last('blog.example.com')], ['1', '2', '4']);
});

test('the failover option is named and checked', (t) => {
  const sim = new Simulation();
  const paths = new UnderlayPathProvider(star, { hostOf });
  t.throws(() => new GatewayService(sim, { paths: paths.provider, failover: 'first-healthy' as GatewayFailover }), { message: /field failover: must be one of none, health-check, got "first-healthy"/ });
  t.throws(() => new GatewayService(sim, { paths: paths.provider, failover: 'health-check', failoverPolicy: { unhealthyAfter: 0 } }), { message: /field unhealthyAfter/ });
  // The default is zos's: no checkers, so nothing is scheduled and a run ends by itself.
  const zos = site([1, 2]);
  t.deepEqual(zos.service.gateway(0).proxyFor(host)!.backendHealth, []);
  t.is(zos.sim.pendingCount, 0);
  const ours = site([1, 2], 'health-check');
  t.is(ours.service.gateway(0).proxyFor(host)!.backendHealth.length, 2);
  // A re-deploy of the same workload (node reboot) keeps the checkers it has.
  const checkers = ours.service.gateway(0).proxyFor(host)!.backendHealth;
  ours.service.deploy(0, 'w1', 'gateway-fqdn-proxy', { fqdn: host, backends: [`http://${ipOf(1)}`, `http://${ipOf(2)}`] }, { twin: 1, resolve: () => ['185.0.0.10'] });
  t.is(ours.service.gateway(0).proxyFor(host)!.backendHealth, checkers);
  ours.service.stopHealthChecks();
});

/** Prints the seed first so a failure replays with FC_SEED=…. */
function fcParams(label: string, numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261205;
  console.log(`[${label}] fast-check seed=${seed} numRuns=${numRuns} (replay: FC_SEED=${seed})`);
  return { seed, numRuns };
}

test('property: any dead subset D of k backends fails exactly |D| requests per round, each on a dead backend; failover fails none after detection unless all are dead', (t) => {
  const caseArb = fc
    .integer({ min: 1, max: 5 })
    .chain((k) => fc.record({ k: fc.constant(k), dead: fc.uniqueArray(fc.integer({ min: 1, max: k }), { maxLength: k }), rounds: fc.integer({ min: 1, max: 20 }) }));
  fc.assert(
    fc.property(caseArb, ({ k, dead, rounds }) => {
      const nodes = [1, 2, 3, 4, 5].slice(0, k);
      const zos = site(nodes);
      dead.forEach((node) => zos.kill(node));
      const without = load(zos, 1, rounds * k);
      if (without.failed !== rounds * dead.length) throw new Error(`zos: ${without.failed} failed, expected ${rounds * dead.length}`);
      for (const r of without.records) {
        const onDead = dead.some((node) => r.backend === `http://${ipOf(node)}`);
        if (onDead !== (r.outcome === 'bad-gateway')) throw new Error(`zos: ${JSON.stringify(r)}`);
      }
      const ours = site(nodes, 'health-check');
      dead.forEach((node) => ours.kill(node));
      const withFailover = load(ours, detectionBoundS(compileHealthCheck('t', policy)) + 0.5, rounds * k);
      const expected = dead.length === k ? rounds * k : 0;
      if (withFailover.failed !== expected) throw new Error(`failover: ${withFailover.failed} failed, expected ${expected}`);
      if (dead.length === k && !withFailover.records.every((r) => r.status === 503)) throw new Error('all dead: expected 503 from the balancer');
    }),
    fcParams('round robin vs failover', 60),
  );
  t.pass();
});
