import test from 'ava';
import fc from 'fast-check';
import type { SimEvent } from '../../sim/engine/events.js';
import { DeviceFailedError } from '../../sim/hardware/storage-device.js';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { maxKeyBytes, maxPayloadBytes, seqKey, type ScanPage } from '../../sim/storage/zdb/namespace.js';
import { makeServer, must, settle } from '../helpers/zdb.js';
import { DelCommand, emptyModel, ExistsCommand, GetCommand, HistoryCommand, NsSetCommand, SetCommand } from '../helpers/zdb-model.js';
import { fcParams } from '../helpers/fc-params.js';

const v = (sizeBytes: number, tag?: string) => (tag === undefined ? { sizeBytes } : { sizeBytes, tag });

function refusedWith(t: { true(c: boolean, m?: string): void; is(a: unknown, b: unknown): void }, outcome: { ok: boolean; error?: unknown }, code: ZdbErrorCode, message?: string): void {
  t.true(!outcome.ok && outcome.error instanceof ZdbError, `expected ${code}, got ${outcome.ok ? 'success' : String(outcome.error)}`);
  const error = (outcome as { error: ZdbError }).error;
  t.is(error.zdbCode, code);
  if (message !== undefined) t.is(error.reply, message);
}

test('user mode: SET returns the key, GET reads it back from the HDD after a device latency', (t) => {
  const { sim, hdd, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  t.is(must(sim, s.set('k', v(4096, 'hello'))), 'k');
  const start = sim.nowS;
  const got = settle(sim, s.get('k'));
  t.true(got.ok);
  t.deepEqual(got.ok && got.value, v(4096, 'hello'));
  t.true(got.atS - start > 0, 'GET takes HDD time');
  t.is(hdd.stats.ios, 2, 'one write for SET, one read for GET');
  t.is(must(sim, s.get('missing')), null);
  t.is(hdd.stats.ios, 2, 'a missing key costs no IO');
});

test('SET of identical data returns nil and appends nothing', (t) => {
  const { sim, hdd, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', v(10, 'a')));
  t.is(must(sim, s.set('k', v(10, 'a'))), null);
  t.is(hdd.stats.ios, 1);
  t.is(must(sim, s.history('k')).length, 1);
  // An untagged value is fresh content: always written.
  t.is(must(sim, s.set('k', v(10))), 'k');
  t.is(must(sim, s.set('k', v(10))), 'k');
  t.is(must(sim, s.history('k')).length, 3);
});

test('key and payload limits: 255-byte keys and 8 MiB values', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  t.is(must(sim, s.set('x'.repeat(maxKeyBytes), v(1))), 'x'.repeat(maxKeyBytes));
  refusedWith(t, settle(sim, s.set('x'.repeat(maxKeyBytes + 1), v(1))), ZdbErrorCode.keyTooLarge, 'Key too large');
  refusedWith(t, settle(sim, s.set('é'.repeat(128), v(1))), ZdbErrorCode.keyTooLarge, 'Key too large'); // 256 bytes in UTF-8
  t.is(must(sim, s.set('big', v(maxPayloadBytes))), 'big');
  refusedWith(t, settle(sim, s.set('huge', v(maxPayloadBytes + 1))), ZdbErrorCode.payloadTooLarge);
  refusedWith(t, settle(sim, s.set('', v(1))), ZdbErrorCode.keyNeeded, 'Invalid argument, key needed');
});

test('seq mode: 8-byte LE ids in order, unknown ids are refused, an update uses up the next id', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns', { mode: 'seq' });
  const s = server.select('ns');
  t.is(must(sim, s.set('', v(5, 'a'))), seqKey(0));
  t.is(seqKey(1), '\x01\0\0\0\0\0\0\0');
  t.is(must(sim, s.set('', v(5, 'b'))), seqKey(1));
  refusedWith(t, settle(sim, s.set(seqKey(7), v(5, 'c'))), ZdbErrorCode.onlyUpdate, 'Invalid key, only update authorized');
  t.is(must(sim, s.set(seqKey(0), v(6, 'c'))), seqKey(0));
  t.deepEqual(must(sim, s.get(seqKey(0))), v(6, 'c'));
  t.is(must(sim, s.set('', v(1, 'd'))), seqKey(3), 'the update took slot 2');
  t.is(must(sim, s.dbsize()), 3);
  must(sim, s.del(seqKey(1)));
  refusedWith(t, settle(sim, s.set(seqKey(1), v(1, 'e'))), ZdbErrorCode.onlyUpdate);
});

test('DEL appends a deletion marker; HISTORY walks the values newest first, skipping markers', (t) => {
  const { sim, hdd, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', v(10, 'v1')));
  sim.run({ untilS: sim.nowS + 1 });
  must(sim, s.set('k', v(20, 'v2')));
  must(sim, s.del('k'));
  t.is(hdd.stats.ios, 3, 'the marker is written');
  t.is(must(sim, s.get('k')), null);
  t.false(must(sim, s.exists('k')));
  refusedWith(t, settle(sim, s.history('k')), ZdbErrorCode.keyNotFound, 'Key not found');
  refusedWith(t, settle(sim, s.del('k')), ZdbErrorCode.keyNotFound, 'Key not found');
  refusedWith(t, settle(sim, s.del('never')), ZdbErrorCode.keyNotFound);
  refusedWith(t, settle(sim, s.history('never')), ZdbErrorCode.keyNotFound);
  // Setting again after a delete starts a new live version on the same log.
  must(sim, s.set('k', v(1, 'v3')));
  const history = must(sim, s.history('k'));
  t.deepEqual(history.map((h) => h.value), [v(1, 'v3'), v(20, 'v2'), v(10, 'v1')]);
  t.true(history[2]!.timestampS < history[1]!.timestampS);
});

test('maxsize: "No space left on this namespace", overwrites may reuse their own space, DEL frees it', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns', { maxsizeBytes: 100 });
  const s = server.select('ns');
  must(sim, s.set('a', v(60)));
  refusedWith(t, settle(sim, s.set('b', v(41))), ZdbErrorCode.noSpace, 'No space left on this namespace');
  t.is(must(sim, s.set('b', v(40))), 'b');
  t.is(must(sim, s.set('a', v(60))), 'a', 'an overwrite that does not grow usage is allowed');
  refusedWith(t, settle(sim, s.set('a', v(61))), ZdbErrorCode.noSpace);
  must(sim, s.del('b'));
  t.is(must(sim, s.set('a', v(100))), 'a');
  t.is(server.nsinfo('ns').dataSizeBytes, 100);
  t.true(server.nsinfo('ns').appendedBytes > 200, 'history keeps every appended byte');
});

test('lock is read-only; freeze stops reads and writes; both lift', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', v(1, 'a')));
  server.nsset('ns', 'lock', '1');
  t.deepEqual(must(sim, s.get('k')), v(1, 'a'));
  refusedWith(t, settle(sim, s.set('k', v(1, 'b'))), ZdbErrorCode.locked, 'Namespace is temporarily locked (read-only)');
  refusedWith(t, settle(sim, s.del('k')), ZdbErrorCode.locked);
  server.nsset('ns', 'lock', '0');
  server.nsset('ns', 'freeze', '1');
  refusedWith(t, settle(sim, s.get('k')), ZdbErrorCode.frozen, 'Namespace is temporarily frozen (read-write disabled)');
  refusedWith(t, settle(sim, s.set('k', v(1, 'b'))), ZdbErrorCode.frozen);
  refusedWith(t, settle(sim, s.history('k')), ZdbErrorCode.frozen);
  t.is(must(sim, s.dbsize()), 1, 'DBSIZE is metadata and still answers');
  server.nsset('ns', 'freeze', '0');
  t.is(must(sim, s.set('k', v(1, 'b'))), 'k');
});

test('worm: new keys are written once, never overwritten or deleted', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  server.nsset('ns', 'worm', '1');
  const s = server.select('ns');
  t.is(must(sim, s.set('k', v(1, 'a'))), 'k');
  refusedWith(t, settle(sim, s.set('k', v(2, 'b'))), ZdbErrorCode.worm, 'Namespace is protected by worm mode');
  refusedWith(t, settle(sim, s.del('k')), ZdbErrorCode.wormDelete, 'Cannot delete a key when namespace is in worm mode');
  t.deepEqual(must(sim, s.get('k')), v(1, 'a'));
});

test('NSSET mode only while the namespace is empty; bad NSSET values are refused', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  server.nsset('ns', 'mode', 'seq');
  server.nsset('ns', 'mode', 'user');
  must(sim, server.select('ns').set('k', v(1)));
  t.throws(() => server.nsset('ns', 'mode', 'seq'), { instanceOf: ZdbError, message: /not empty/ });
  t.throws(() => server.nsset('ns', 'lock', 'yes'), { instanceOf: ZdbError });
  t.throws(() => server.nsset('ns', 'maxsize', '-1'), { instanceOf: ZdbError });
  t.throws(() => server.nsset('nope', 'lock', '1'), { instanceOf: ZdbError });
});

test('SCAN pages over live keys; DBSIZE and NSINFO report them', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns', { maxsizeBytes: 1000 });
  const s = server.select('ns');
  for (const k of ['a', 'b', 'c', 'd']) must(sim, s.set(k, v(10)));
  must(sim, s.del('b'));
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page: ScanPage = must(sim, s.scan(cursor, 2));
    keys.push(...page.entries.map((e) => e.key));
    cursor = page.cursor;
  } while (cursor !== null);
  t.deepEqual(keys, ['a', 'c', 'd']);
  t.is(must(sim, s.dbsize()), 3);
  const info = must(sim, s.nsinfo());
  t.like(info, { name: 'ns', entries: 3, dataSizeBytes: 30, dataLimitBytes: 1000, mode: 'user', locked: false, worm: false });
});

test('SELECT: passwords, public read-only sessions, private namespaces', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('pub', { password: 'pw', public: true });
  server.nsnew('priv', { password: 'pw', public: false });
  const anonymous = server.select('pub');
  t.false(anonymous.writable);
  refusedWith(t, settle(sim, anonymous.set('k', v(1))), ZdbErrorCode.readOnly, 'Namespace is in read-only mode');
  t.is(must(sim, server.select('pub', 'pw').set('k', v(1, 'a'))), 'k');
  t.deepEqual(must(sim, anonymous.get('k')), v(1, 'a'));
  t.throws(() => server.select('pub', 'wrong'), { instanceOf: ZdbError, message: 'Access denied' });
  t.throws(() => server.select('priv'), { instanceOf: ZdbError });
  t.true(server.select('priv', 'pw').writable);
  server.nsset('priv', 'password', '*');
  t.true(server.select('priv').writable, '`*` clears the password');
});

test('SETs append at growing disk offsets across namespaces; NSDEL ends open sessions', (t) => {
  const { sim, server } = makeServer();
  const a = server.nsnew('a');
  const b = server.nsnew('b');
  const sa = server.select('a');
  const sb = server.select('b');
  must(sim, sa.set('k1', v(1000)));
  must(sim, sb.set('k1', v(1000)));
  must(sim, sa.set('k1', v(500)));
  const offsets = [...a.history('k1'), ...b.history('k1')].map((h) => h.offsetBytes).sort((x, y) => x - y);
  t.deepEqual(offsets, [0, 1000 + 18 + 2, 2 * (1000 + 18 + 2)]);
  server.nsdel('b');
  refusedWith(t, settle(sim, sb.get('k1')), ZdbErrorCode.namespaceNotFound);
});

test('a failed HDD fails every command, including IO already in flight', (t) => {
  const { sim, hdd, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', v(4096, 'a')));
  const inFlight = s.get('k');
  sim.schedule(0, () => hdd.fail('injected'));
  const outcome = settle(sim, inFlight);
  t.true(!outcome.ok && outcome.error instanceof DeviceFailedError);
  // SimEvent is invariant in its value type, so a mixed list needs `any`.
  const commands: (() => SimEvent<any>)[] = [() => s.set('x', v(1)), () => s.get('k'), () => s.exists('k'), () => s.del('k')];
  for (const command of commands) {
    const o = settle(sim, command());
    t.true(!o.ok && o.error instanceof DeviceFailedError);
  }
});

test('SET latency grows with payload size (transfer time on the HDD)', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('warm', v(1)));
  const t0 = sim.nowS;
  must(sim, s.set('small', v(4096)));
  const small = sim.nowS - t0;
  const t1 = sim.nowS;
  must(sim, s.set('large', v(maxPayloadBytes)));
  const large = sim.nowS - t1;
  t.true(large > small + 0.02, `8 MiB ${large} s vs 4 KiB ${small} s`);
});

test('model-based: SET/GET/DEL/EXISTS/HISTORY/NSSET agree with a reference model (fast-check prints seed and path on failure)', (t) => {
  const key = fc.constantFrom('', 'a', 'b', '0', '1', '2');
  const value = fc.record({ sizeBytes: fc.integer({ min: 0, max: 60 }), tag: fc.constantFrom('x', 'y') });
  const flag = fc.constantFrom('0', '1');
  const commands = [
    fc.tuple(key, value).map(([k, val]) => new SetCommand(k, val)),
    key.map((k) => new GetCommand(k)),
    key.map((k) => new DelCommand(k)),
    key.map((k) => new ExistsCommand(k)),
    key.map((k) => new HistoryCommand(k)),
    fc.constantFrom('user', 'seq').map((mode) => new NsSetCommand('mode', mode)),
    flag.map((f) => new NsSetCommand('lock', f)),
    flag.map((f) => new NsSetCommand('freeze', f)),
    flag.map((f) => new NsSetCommand('worm', f)),
    fc.constantFrom('0', '100', '150').map((bytes) => new NsSetCommand('maxsize', bytes)),
  ];
  fc.assert(
    fc.property(fc.commands(commands, { size: '+1' }), (cmds) => {
      const { sim, server } = makeServer();
      server.nsnew('ns');
      fc.modelRun(() => ({ model: emptyModel(), real: { sim, server, session: server.select('ns') } }), cmds);
    }),
    fcParams('zdb model', 200),
  );
  t.pass();
});
