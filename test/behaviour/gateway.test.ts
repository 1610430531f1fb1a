// The Web Gateway through the port, the same on every backend: a name proxy on node 5 answers 200 for
// `app.gw5.grid.test`; with the gateway node off there is no answer; back on, it answers again.
// Unknown hosts and invalid proxies are refused alike.
import { operationError } from '../../workers/errors.js';
import { behaviour, deploy, doc } from './backends.js';

const host = 'app.gw5.grid.test';

behaviour('gateway: name proxy routes a request; node off → no answer; on → routes again', async (t, b) => {
  const backend = await b.gatewayBackendUrl();
  const { workloads } = await deploy(b, 5, doc(70, [{ name: 'web', type: 'gateway-name-proxy', data: { name: 'app', tls_passthrough: false, backends: [backend] } }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  const answer = await b.backend.gatewayRequest(host);
  t.like(answer, { host, status: 200, outcome: 'ok', gateway: 5, backend });
  t.true(answer.latencyS !== null && answer.latencyS > 0);
  await b.faults.powerOff(5);
  t.like(await b.backend.gatewayRequest(host), { status: null, outcome: 'no-answer', latencyS: null });
  await b.faults.powerOn(5);
  // The sim node reboots in virtual time and redeploys; the host restores its proxy at boot.
  await b.idle(300);
  t.like(await b.backend.gatewayRequest(host), { status: 200, outcome: 'ok' });
  t.like(await b.backend.gatewayRequest('nobody.example.org'), { status: null, outcome: 'unknown-host' });
});

behaviour('gateway: an invalid name proxy is refused at once, naming the workload and field', async (t, b) => {
  const refused = await t.throwsAsync(b.backend.createDeployment(5, doc(70, [{ name: 'web', type: 'gateway-name-proxy', data: { name: 'Bad Name!', tls_passthrough: false, backends: ['http://198.18.0.2:8080'] } }])));
  t.regex(refused.message, /workload web: name: must match/);
  t.like(operationError(refused), { code: 'E_BAD_INPUT', retryable: false });
});

behaviour('network: link faults refuse clearly where a backend has no underlay, else apply', async (t, b) => {
  if (b.name === 'host') {
    const refused = await t.throwsAsync(b.faults.cutLink(0, 1));
    t.like(operationError(refused), { code: 'E_NOT_SUPPORTED', retryable: false });
    t.regex(refused.message, /link\.cut is not supported by the host backend/);
    t.like(operationError(await t.throwsAsync(b.backend.znetReapply('net1'))), { code: 'E_NOT_SUPPORTED' });
  } else {
    // Node 4 and farm-a's site router (node 7): a link the small World's underlay has.
    await b.faults.cutLink(4, 7);
    await b.faults.healLink(4, 7);
    t.like(operationError(await t.throwsAsync(b.backend.znetReapply('net1'))), { code: 'E_NOT_FOUND' });
  }
});
