import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { FlowNetwork, LinkFailedError, lv08TcpModel } from '../../sim/hardware/flow-network.js';
import { addDuplexLink, addNic, failNic, nicGoodputBytesPerS, nicRoute, reverseDuplex, startNicTransfer, type Nic } from '../../sim/hardware/nic.js';
import { loadProfiles, type NicProfile } from '../../sim/hardware/profiles.js';

const GB = 1e9;
const relativeError = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Waits for a transfer and returns its end time. */
function endOf(sim: Simulation, event: { onProcessed(cb: (e: { ok: boolean }) => void): void }): () => number {
  let endS = NaN;
  event.onProcessed((e) => {
    if (e.ok) endS = sim.nowS;
  });
  return () => endS;
}

function twoHosts(profile: NicProfile): { sim: Simulation; network: FlowNetwork; a: Nic; b: Nic } {
  const sim = new Simulation();
  const network = new FlowNetwork(sim);
  return { sim, network, a: addNic(network, profile, 'a'), b: addNic(network, profile, 'b') };
}

// ANCHORS §5: TCP goodput at 1500 MTU.
const goodputTargets: [profileName: string, bytesPerS: number][] = [
  ['nic-1gbe', 118.7e6],
  ['nic-10gbe', 1.19e9],
  ['nic-25gbe', 2.97e9],
];

for (const [profileName, targetBytesPerS] of goodputTargets) {
  test(`${profileName}: a large file moves at the ANCHORS goodput (${targetBytesPerS / 1e6} MB/s) within 1 %`, (t) => {
    const profile = loadProfiles().nic(profileName);
    const { sim, network, a, b } = twoHosts(profile);
    // Through a 100 GbE switch uplink, fast enough not to matter.
    const uplink = addDuplexLink(network, { bandwidthBytesPerS: 100e9 / 8, latencyS: 5e-6 });
    const sizeBytes = 20 * GB;
    const end = endOf(sim, startNicTransfer(network, a, b, sizeBytes, { hops: [uplink] }));
    sim.run();
    const measuredBytesPerS = sizeBytes / end();
    t.log(`${profileName}: ${(measuredBytesPerS / 1e6).toFixed(2)} MB/s over ${end().toFixed(3)} s (target ${targetBytesPerS / 1e6} MB/s)`);
    t.true(relativeError(measuredBytesPerS, targetBytesPerS) < 0.01);
    t.is(network.linkStats(a.txLinkId).bytesTransferred, sizeBytes);
    t.is(network.linkStats(b.rxLinkId).bytesTransferred, sizeBytes);
    t.is(network.linkStats(a.rxLinkId).bytesTransferred, 0);
  });
}

test('full duplex: both directions run at full goodput at once', (t) => {
  const profile = loadProfiles().nic('nic-10gbe');
  const { sim, network, a, b } = twoHosts(profile);
  const sizeBytes = 10 * GB;
  const ab = endOf(sim, startNicTransfer(network, a, b, sizeBytes));
  const ba = endOf(sim, startNicTransfer(network, b, a, sizeBytes));
  sim.run();
  const aloneS = 2 * profile.latencyS + sizeBytes / nicGoodputBytesPerS(profile);
  t.true(relativeError(ab(), aloneS) < 1e-12);
  t.true(relativeError(ba(), aloneS) < 1e-12);
});

test('incast: two senders share the receiver NIC; a shared WAN hop is the bottleneck when slower', (t) => {
  const profile = loadProfiles().nic('nic-10gbe');
  const sim = new Simulation();
  const network = new FlowNetwork(sim);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => addNic(network, profile, name)) as [Nic, Nic, Nic];
  const goodput = nicGoodputBytesPerS(profile);
  const ac = startNicTransfer(network, a, c, GB);
  const bc = startNicTransfer(network, b, c, GB);
  sim.run({ untilS: 0.01 });
  t.true(relativeError(network.flowRateBytesPerS(ac.flowId)!, goodput / 2) < 1e-12);
  t.true(relativeError(network.flowRateBytesPerS(bc.flowId)!, goodput / 2) < 1e-12);
  sim.run();

  // a → c and b → c over one 1 Gb/s WAN hop oriented from the senders' side.
  const wan = addDuplexLink(network, { bandwidthBytesPerS: 1e9 / 8, latencyS: 0.02 });
  const overWan = [a, b].map((from) => startNicTransfer(network, from, c, GB, { hops: [wan] }));
  sim.run({ untilS: sim.nowS + 0.1 });
  for (const event of overWan) t.true(relativeError(network.flowRateBytesPerS(event.flowId)!, 1e9 / 16) < 1e-12);
  t.deepEqual(nicRoute(c, a, [reverseDuplex(wan)]).path, [c.txLinkId, wan.backwardLinkId, a.rxLinkId]);
  sim.run();
});

test('with LV08, ACKs load the reverse links: two opposite transfers each get 0.97 / 1.05 of goodput', (t) => {
  const profile = loadProfiles().nic('nic-1gbe');
  const sim = new Simulation();
  const network = new FlowNetwork(sim, lv08TcpModel);
  const a = addNic(network, profile, 'a');
  const b = addNic(network, profile, 'b');
  const ab = startNicTransfer(network, a, b, GB);
  const one = startNicTransfer(network, b, a, GB);
  sim.run({ untilS: 1 });
  // Each tx link carries one flow's data (1) and the other's ACKs (0.05): rate = 0.97 · C / 1.05.
  const expected = (0.97 * nicGoodputBytesPerS(profile)) / 1.05;
  t.true(relativeError(network.flowRateBytesPerS(ab.flowId)!, expected) < 1e-12);
  t.true(relativeError(network.flowRateBytesPerS(one.flowId)!, expected) < 1e-12);
  sim.run();
});

test('a failed NIC fails the transfers through it and the others speed up', (t) => {
  const profile = loadProfiles().nic('nic-1gbe');
  const sim = new Simulation();
  const network = new FlowNetwork(sim);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => addNic(network, profile, name)) as [Nic, Nic, Nic];
  const goodput = nicGoodputBytesPerS(profile);
  const sizeBytes = goodput; // one second alone
  const toB = startNicTransfer(network, a, b, sizeBytes);
  const toC = startNicTransfer(network, a, c, sizeBytes);
  let failure: unknown;
  toB.onProcessed((e) => {
    e.defused = true;
    failure = e.error;
  });
  const toCEnd = endOf(sim, toC);
  sim.schedule(1, () => failNic(network, b));
  sim.run();
  t.true(failure instanceof LinkFailedError);
  t.is((failure as LinkFailedError).linkId, b.rxLinkId);
  // Both share a's tx at g/2 from 2L (the two NIC latencies) to 1 s, so toC has g/2 + g·L left and ends
  // 0.5 + L after the failure.
  t.true(relativeError(toCEnd(), 1.5 + profile.latencyS) < 1e-9, `ended at ${toCEnd()}`);
});
