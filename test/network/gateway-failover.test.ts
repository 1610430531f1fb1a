// Our addition on top of zos: several gateways per site and several backends per proxy, with active
// health checks on the virtual clock. Failover must happen within interval × N + timeout, and never
// before N probes could have failed.
import test from 'ava';
import fc from 'fast-check';

import { constant } from '../../sim/engine/distributions.js';
import { Simulation } from '../../sim/engine/simulation.js';
import {
  detectionBoundS,
  earliestDetectionS,
  GatewayService,
  HealthChecker,
  UnderlayPathProvider,
  compileHealthCheck,
  type BackendAddress,
  type HealthCheckPolicy,
} from '../../sim/network/gateway/index.js';
import { buildTopology } from '../../sim/network/topology/graph.js';

/** Prints the seed first so a failure replays with FC_SEED=…. */
function fcParams(label: string, numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261125;
  console.log(`[${label}] fast-check seed=${seed} numRuns=${numRuns} (replay: FC_SEED=${seed})`);
  return { seed, numRuns };
}

// Gateways 0 and 1 both reach backends on nodes 2 and 3 (10 ms links).
const star = buildTopology({ source: 'star', labels: ['gw0', 'gw1', 'be2', 'be3'], from: [0, 0, 1, 1], to: [2, 3, 2, 3], latencyS: [0.01, 0.01, 0.01, 0.01] });
const hostByIp = new Map([['10.0.0.2', 2], ['10.0.0.3', 3]]);
const hostOf = (backend: BackendAddress): number | undefined => hostByIp.get(backend.ip);
const resolve = (): string[] => ['185.0.0.10', '185.0.0.11'];
const host = 'shop.example.com';

function site(backends: string[]) {
  const sim = new Simulation();
  const nodeUp = new Uint8Array(star.nodeCount).fill(1);
  const paths = new UnderlayPathProvider(star, { hostOf, nodeUp });
  const service = new GatewayService(sim, { paths: paths.provider, serviceTime: constant(0.001) });
  service.addGateway({ node: 0, publicIps: ['185.0.0.10'] });
  service.addGateway({ node: 1, publicIps: ['185.0.0.11'] });
  for (const node of [0, 1]) {
    const result = service.deploy(node, `w${node}`, 'gateway-fqdn-proxy', { fqdn: host, backends }, { twin: 1, resolve }, { allowSeveralBackends: true });
    if (!result.ok) throw new Error(result.reason);
  }
  const failHost = (node: number): void => {
    nodeUp[node] = 0;
    paths.invalidate();
  };
  const restoreHost = (node: number): void => {
    nodeUp[node] = 1;
    paths.invalidate();
  };
  return { sim, service, failHost, restoreHost };
}

const policyArb = fc.record({
  intervalS: fc.double({ min: 0.1, max: 10, noNaN: true }),
  timeoutFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
  unhealthyAfter: fc.integer({ min: 1, max: 5 }),
  healthyAfter: fc.integer({ min: 1, max: 5 }),
});

function toPolicy(p: { intervalS: number; timeoutFraction: number; unhealthyAfter: number; healthyAfter: number }): HealthCheckPolicy {
  return compileHealthCheck('test', { intervalS: p.intervalS, timeoutS: p.intervalS * p.timeoutFraction, unhealthyAfter: p.unhealthyAfter, healthyAfter: p.healthyAfter });
}

/** Request times spread over [fromS, toS], kept clear of the two bounds so float ties cannot decide. */
function probeTimes(fromS: number, toS: number, count: number, avoid: number[]): number[] {
  const times: number[] = [];
  for (let i = 1; i <= count; i++) {
    const atS = fromS + ((toS - fromS) * i) / (count + 1);
    if (avoid.every((x) => Math.abs(atS - x) > 1e-6)) times.push(atS);
  }
  return times;
}

test('property: with a healthy spare gateway, requests fail until the primary is detected dead, then succeed within interval × N + timeout', (t) => {
  fc.assert(
    fc.property(policyArb, fc.double({ min: 0, max: 100, noNaN: true }), (p, failS) => {
      const policy = toPolicy(p);
      const { sim, service } = site(['http://10.0.0.2']);
      service.enableGatewayFailover(policy, policy.timeoutS / 2);
      sim.scheduleAt(failS, () => service.failGateway(0));
      const earliest = failS + earliestDetectionS(policy);
      const bound = failS + detectionBoundS(policy);
      const before = probeTimes(0, failS, 5, [failS]);
      const during = probeTimes(failS, earliest, 10, [failS, earliest]);
      const after = probeTimes(bound, bound + 3 * policy.intervalS, 10, [bound]);
      for (const atS of [...before, ...during, ...after]) service.request(host, atS, 0.02);
      sim.run({ untilS: bound + 4 * policy.intervalS });
      const outcomeAt = new Map(service.log.map((r) => [r.atS, r]));
      for (const atS of before) if (outcomeAt.get(atS)?.gateway !== 0 || outcomeAt.get(atS)?.outcome !== 'ok') throw new Error(`before the failure, ${atS} s: ${JSON.stringify(outcomeAt.get(atS))}`);
      for (const atS of during) if (outcomeAt.get(atS)?.outcome !== 'no-answer') throw new Error(`failed over too early, at ${atS} s`);
      for (const atS of after) {
        const r = outcomeAt.get(atS);
        if (r?.outcome !== 'ok' || r.gateway !== 1) throw new Error(`not failed over by ${atS} s (bound ${bound} s): ${JSON.stringify(r)}`);
      }
      const detectedS = service.front.healthOf(service.gateway(0))!.transitions[0]!.atS;
      if (!(detectedS >= earliest - 1e-9 && detectedS <= bound + 1e-9)) throw new Error(`detected at ${detectedS} s, outside [${earliest}, ${bound}]`);
    }),
    fcParams('gateway failover', 40),
  );
  t.pass();
});

test('property: a dead backend behind one gateway gives 502 until detected, then the next backend serves within the bound', (t) => {
  fc.assert(
    fc.property(policyArb, fc.double({ min: 0, max: 100, noNaN: true }), (p, failS) => {
      const policy = toPolicy(p);
      const { sim, service, failHost } = site(['http://10.0.0.2', 'http://10.0.0.3']);
      // Backend probes cost the path's round trip (20 ms), which must fit in the timeout.
      if (policy.timeoutS < 0.02) return;
      service.enableBackendFailover(0, host, policy);
      sim.scheduleAt(failS, () => failHost(2));
      const earliest = failS + earliestDetectionS(policy);
      const bound = failS + detectionBoundS(policy);
      const during = probeTimes(failS, earliest, 8, [failS, earliest]);
      const after = probeTimes(bound, bound + 2 * policy.intervalS, 8, [bound]);
      for (const atS of [...during, ...after]) service.request(host, atS);
      sim.run({ untilS: bound + 3 * policy.intervalS });
      for (const r of service.log) {
        const expected = r.atS < earliest ? ['bad-gateway', 'http://10.0.0.2'] : ['ok', 'http://10.0.0.3'];
        if (r.outcome !== expected[0] || r.backend !== expected[1]) throw new Error(`at ${r.atS} s (fail ${failS}, bound ${bound}): ${JSON.stringify(r)}`);
      }
    }),
    fcParams('backend failover', 30),
  );
  t.pass();
});

test('all backends down: 502 while the gateway still believes in them, 503 once both are marked unhealthy, back after M successes', (t) => {
  const { sim, service, failHost, restoreHost } = site(['http://10.0.0.2', 'http://10.0.0.3']);
  const policy = service.enableBackendFailover(0, host, { intervalS: 2, timeoutS: 1, unhealthyAfter: 3, healthyAfter: 2 });
  sim.scheduleAt(5, () => (failHost(2), failHost(3)));
  sim.scheduleAt(30, () => restoreHost(3));
  for (const atS of [1, 5.5, 11.5, 20, 29, 31, 33]) service.request(host, atS);
  sim.run({ untilS: 40 });
  t.is(detectionBoundS(policy), 7);
  // Probes at 6, 8, 10 fail at 7, 9, 11: both marked unhealthy at 11 (5 + 7 = 12 is the bound).
  t.deepEqual(
    service.log.map((r) => [r.atS, r.status, r.backend ?? null]),
    [
      [1, 200, 'http://10.0.0.2'],
      [5.5, 502, 'http://10.0.0.2'],
      [11.5, 503, null],
      [20, 503, null],
      [29, 503, null],
      // Probes at 30 and 32 succeed (20 ms round trip): healthy again at 32.02.
      [31, 503, null],
      [33, 200, 'http://10.0.0.3'],
    ],
  );
});

test('the primary takes the site back after M successful probes once it returns', (t) => {
  const { sim, service } = site(['http://10.0.0.2']);
  service.enableGatewayFailover({ intervalS: 2, timeoutS: 1, unhealthyAfter: 2, healthyAfter: 3 }, 0.05);
  sim.scheduleAt(5, () => service.failGateway(0));
  sim.scheduleAt(20, () => service.restoreGateway(0));
  for (const atS of [4, 12, 21, 24, 24.1]) service.request(host, atS);
  sim.run({ untilS: 30 });
  // Probes at 6 and 8 fail (at 7, 9): unhealthy at 9. Probes at 20, 22, 24 succeed: healthy at 24.05.
  t.deepEqual(service.front.healthOf(service.gateway(0))!.transitions, [{ atS: 9, healthy: false }, { atS: 24.05, healthy: true }]);
  t.deepEqual(service.log.map((r) => [r.atS, r.gateway]), [[4, 0], [12, 1], [21, 1], [24, 1], [24.1, 0]]);
  service.stopHealthChecks();
  sim.run();
  t.is(sim.pendingCount, 0, 'stopped checkers leave nothing scheduled');
});

test('a health checker probes on a fixed grid: the time trace of a down/up target', (t) => {
  const sim = new Simulation();
  let up = true;
  const sent: number[] = [];
  const probe = (): number | undefined => (sent.push(sim.nowS), up ? 0.1 : undefined);
  const checker = new HealthChecker(sim, 'target', probe, compileHealthCheck('t', { intervalS: 2, timeoutS: 1, unhealthyAfter: 3, healthyAfter: 2 }));
  sim.scheduleAt(5, () => (up = false));
  sim.scheduleAt(20, () => (up = true));
  sim.run({ untilS: 25 });
  t.deepEqual(sent, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  t.deepEqual(checker.transitions, [{ atS: 11, healthy: false }, { atS: 22.1, healthy: true }]);
});
