// qsfs backend addresses against the simulated grid's 0-db address plan: parsing, one spelling per
// address, the plan read back, and backendAt's rule (an address of the plan must hold the namespace).
import test from 'ava';
import { zdbAddresses } from '../../sim/storage/disk-managers.js';
import { backendAt } from '../../sim/storage/qsfs-manager.js';
import { canonicalIp, parseZdbAddress, simZdbAddress, simZdbLocation } from '../../sim/storage/zdb/address.js';

test('addresses parse as zos writes them; anything else is null', (t) => {
  t.deepEqual(parseZdbAddress('[302:0:3:1:0:0:0:1]:9900'), { ip: '302:0:3:1::1', port: 9900 });
  t.deepEqual(parseZdbAddress('10.1.0.7:9900'), { ip: '10.1.0.7', port: 9900 });
  for (const bad of ['302::1:9900', '[302::1]', 'node:1/disk:0', '[zz::1]:9900', '[302::1]:70000', 'host.example:9900']) t.is(parseZdbAddress(bad), null, bad);
  t.is(canonicalIp('302:0:0:0:0:0:0:1'), '302::1');
});

test('the plan reads back for every node and disk the zdb manager answers, in any spelling', (t) => {
  for (const [node, disk] of [[0, 0], [3, 0], [5, 2], [70_000, 1], [65_535, 15]] as const) {
    const [ip] = zdbAddresses(node, disk);
    t.is(ip, simZdbAddress(node, disk), 'the manager and the plan agree');
    t.deepEqual(simZdbLocation(ip!), { node, disk });
    t.deepEqual(simZdbLocation(canonicalIp(ip!)!), { node, disk });
  }
  for (const outside of ['2001:db8::1', '302::2', '303:0:1:0::1', '10.0.0.1']) t.is(simZdbLocation(outside), null, outside);
});

test('backendAt: the plan address must be the namespace\'s 0-db on port 9900; other addresses fall back to the namespace', (t) => {
  const at = { node: 5, disk: 1, sizeLimitBytes: 1 };
  const entry = (address: string) => ({ address, namespace: '60-1-d', password: '' });
  t.is(backendAt(entry(`[${simZdbAddress(5, 1)}]:9900`), at), at);
  t.is(backendAt(entry(`[${simZdbAddress(5, 0)}]:9900`), at), null, 'another disk of the same node');
  t.is(backendAt(entry(`[${simZdbAddress(6, 1)}]:9900`), at), null, 'another node');
  t.is(backendAt(entry(`[${simZdbAddress(5, 1)}]:9901`), at), null, 'the wrong port');
  t.is(backendAt(entry(`[${simZdbAddress(5, 1)}]:9900`), null), null, 'no such namespace');
  t.is(backendAt(entry('[2001:db8::5]:9900'), at), at, 'outside the plan: found by namespace');
});
