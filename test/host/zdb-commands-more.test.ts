// The 0-db commands and options 0-db's own suite does not cover, against an in-process server with
// typed replies: LENGTH, KEYTIME, FLUSH, INDEX DIRTY, DATA RAW, HOOKS, NSJUMP, WAIT, MIRROR/MASTER,
// prefix dispatch, INFO's and NSINFO's fields, --mode, --maxsize and --protect.

import test from 'ava';
import { ZdbHostServer, type ZdbServerOptions } from '../../workers/host/zdb/server.js';
import { RespClient, type Reply } from '../helpers/resp-client.js';
import { removeDataDir, tempDataDir } from '../helpers/zdb-server.js';

/** A server for one test, and a connected client; both closed when the test ends. */
async function serve(t: { teardown(fn: () => Promise<void> | void): void }, options: Partial<ZdbServerOptions> = {}): Promise<{ c: RespClient; port: number; server: ZdbHostServer }> {
  const dataDir = tempDataDir('zdb-more');
  const server = new ZdbHostServer({ dataDir, port: 0, fsync: false, ...options });
  const { port } = await server.listen();
  const c = await RespClient.connect(port);
  t.teardown(async () => {
    c.close();
    await server.close();
    removeDataDir(dataDir);
  });
  return { c, port, server };
}

const ok: Reply = { type: 'status', str: 'OK' };
const err = (str: string): Reply => ({ type: 'error', str });
const int = (integer: number): Reply => ({ type: 'integer', integer });

/** The "name: value" lines of an INFO or NSINFO reply. */
function fields(r: Reply | null): Map<string, string> {
  if (r?.type !== 'string') throw new Error(`not a bulk string: ${JSON.stringify(r)}`);
  return new Map(r.str.split('\n').filter((line) => line.includes(': ')).map((line) => line.split(': ', 2) as [string, string]));
}

test('LENGTH and KEYTIME: the live value\'s size and time, nil once deleted; an admin\'s SET timestamp is kept', async (t) => {
  const { c } = await serve(t);
  await c.command('SET', 'k', 'twelve bytes');
  t.deepEqual(await c.command('LENGTH', 'k'), int(12));
  t.deepEqual(await c.command('SET', 'old', 'v', '1500000000'), { type: 'string', buf: Buffer.from('old'), str: 'old' });
  t.deepEqual(await c.command('KEYTIME', 'old'), int(1_500_000_000));
  await c.command('DEL', 'k');
  t.deepEqual(await c.command('LENGTH', 'k'), { type: 'nil' });
  t.deepEqual(await c.command('KEYTIME', 'k'), { type: 'nil' });
  t.deepEqual(await c.command('LENGTH', 'x'.repeat(256)), err('Invalid key'));
  t.deepEqual(await c.command('KEYTIME'), err('Unexpected arguments'));
});

test('dispatch is 0-db\'s: a case-blind prefix runs the first command of the table it starts', async (t) => {
  const { c } = await serve(t);
  t.deepEqual(await c.command('s', 'k', 'v'), { type: 'string', buf: Buffer.from('k'), str: 'k' });
  t.deepEqual(await c.command('ge', 'k'), { type: 'string', buf: Buffer.from('v'), str: 'v' });
  t.deepEqual(await c.command('PINGS'), err('Command not supported'));
  t.deepEqual(await c.command(''), err('This is not a valid command'));
});

test('FLUSH empties a private, password-protected namespace; anything else is refused', async (t) => {
  const { c } = await serve(t);
  t.deepEqual(await c.command('FLUSH'), err('Flushing public namespace denied'));
  await c.command('NSNEW', 'priv');
  await c.command('NSSET', 'priv', 'password', 'pw');
  await c.command('SELECT', 'priv', 'pw');
  await c.command('SET', 'a', '1');
  t.deepEqual(await c.command('FLUSH'), err('Flushing public namespace denied'));
  await c.command('NSSET', 'priv', 'public', '0');
  t.deepEqual(await c.command('FLUSH'), ok);
  t.deepEqual(await c.command('DBSIZE'), int(0));
  t.deepEqual(await c.command('GET', 'a'), { type: 'nil' });
  t.deepEqual(await c.command('SET', 'b', '2'), { type: 'string', buf: Buffer.from('b'), str: 'b' });
  t.deepEqual(await c.command('GET', 'b'), { type: 'string', buf: Buffer.from('2'), str: '2' });
});

test('INDEX DIRTY lists the index written since RESET; DATA RAW reads an entry at its offset; HOOKS and NSJUMP answer', async (t) => {
  const { c } = await serve(t);
  t.deepEqual(await c.command('HOOKS'), { type: 'array', elements: [] });
  t.deepEqual(await c.command('NSJUMP'), ok);
  await c.command('SET', 'k', 'payload');
  await c.command('PING'); // the batch of the SET has been synced by now
  t.deepEqual(await c.command('INDEX', 'DIRTY'), { type: 'array', elements: [int(0)] });
  t.deepEqual(await c.command('INDEX', 'DIRTY', 'RESET'), ok);
  t.deepEqual(await c.command('INDEX', 'DIRTY'), { type: 'array', elements: [] });
  t.deepEqual(await c.command('INDEX', 'OTHER'), err('Unknown INDEX subcommand'));
  // The first entry follows the data file's 8-byte magic.
  const raw = await c.command('DATA', 'RAW', '0', '8');
  t.is(raw?.type, 'array');
  const [key, previous, crc, flags, , payload] = (raw as { elements: Reply[] }).elements;
  t.deepEqual([key, previous, flags, payload], [{ type: 'string', buf: Buffer.from('k'), str: 'k' }, int(0), int(0), { type: 'string', buf: Buffer.from('payload'), str: 'payload' }]);
  t.regex((crc as { str: string }).str, /^0x[0-9a-f]{8}$/);
  t.deepEqual(await c.command('DATA', 'RAW', '0', '9'), err('Invalid Request'));
  t.deepEqual(await c.command('DATA', 'RAW', '0', '100000'), err('EOF'));
  t.deepEqual(await c.command('DATA', 'RAW'), err('Missing arguments'));
});

test('WAIT is answered when another client of the namespace runs the command, or times out', async (t) => {
  const { c, port } = await serve(t);
  const other = await RespClient.connect(port);
  t.teardown(() => other.close());
  const waited = c.command('WAIT', 'SET');
  await other.command('GET', 'x'); // not what it waits for
  await other.command('SET', 'x', 'y');
  t.deepEqual(await waited, { type: 'status', str: 'SET' });
  const any = c.command('WAIT', '*');
  await other.command('PING');
  t.deepEqual(await any, { type: 'status', str: 'PING' });
  const started = Date.now();
  t.deepEqual(await c.command('WAIT', 'DEL', '150'), err('Timeout'));
  t.true(Date.now() - started >= 140);
  t.deepEqual(await c.command('WAIT', 'DEL', '50'), err('Invalid timeout'));
});

test('MIRROR receives MASTER requests with their owner id; MASTER\'s requests run without it', async (t) => {
  const { c, port } = await serve(t);
  const mirror = await RespClient.connect(port);
  t.teardown(() => mirror.close());
  t.deepEqual(await mirror.command('MIRROR'), { type: 'status', str: 'Starting mirroring' });
  t.deepEqual(await c.command('MASTER'), { type: 'status', str: 'Hello, master' });
  t.deepEqual(await c.command('SET', 'k', 'v', '42'), { type: 'string', buf: Buffer.from('k'), str: 'k' });
  const forwarded = await mirror.next();
  t.is(forwarded?.type, 'array');
  const [, ns, owner, ...request] = (forwarded as { elements: Reply[] }).elements;
  t.deepEqual([ns, owner], [{ type: 'string', buf: Buffer.from('default'), str: 'default' }, int(42)]);
  t.deepEqual(request.map((r) => (r as { str: string }).str), ['SET', 'k', 'v']);
});

test('INFO has 0-db\'s 29 fields; NSINFO 23, plus space_available with a limit, 6 for an admin and password_raw for a master', async (t) => {
  const { c, port } = await serve(t, { adminPassword: 'root' });
  const info = fields(await c.command('INFO'));
  t.is(info.size, 29);
  t.is(info.get('sequential_key_size'), '8');
  t.is([...info.keys()].at(-1), 'network_tx_mb');
  t.deepEqual(fields(await c.command('NSINFO', 'default')).size, 23);
  await c.command('AUTH', 'root');
  await c.command('NSNEW', 'limited');
  await c.command('NSSET', 'limited', 'maxsize', '1000');
  const ns = fields(await c.command('NSINFO', 'limited'));
  t.is(ns.size, 30);
  t.is(ns.get('space_available'), '1000');
  t.is(ns.get('next_internal_id'), '0x00000000');
  // lock and freeze are one field in 0-db: `freeze 0` also ends a lock.
  await c.command('NSSET', 'limited', 'lock', '1');
  t.is(fields(await c.command('NSINFO', 'limited')).get('locked'), 'yes');
  await c.command('NSSET', 'limited', 'freeze', '0');
  t.is(fields(await c.command('NSINFO', 'limited')).get('locked'), 'no');
  const other = await RespClient.connect(port);
  t.teardown(() => other.close());
  t.is(fields(await other.command('NSINFO', 'limited')).size, 24);
  await c.command('NSSET', 'limited', 'password', 'secret');
  await c.command('MASTER');
  // A MASTER client's requests end with the owner id (zdbd/redis.c), hence the extra '1'.
  t.is(fields(await c.command('NSINFO', 'limited', '1')).get('password_raw'), 'secret');
});

test('--mode seq fixes every namespace\'s mode; --maxsize limits the default namespace; --protect guards it', async (t) => {
  const { c, port } = await serve(t, { mode: 'seq', defaultMaxsizeBytes: 10, adminPassword: 'root', protect: true });
  // Protected: read-only until SELECTed with the admin password.
  t.deepEqual(await c.command('SET', '', 'v'), err('Namespace is in read-only mode'));
  t.deepEqual(await c.command('SELECT', 'default', 'root'), ok);
  const id = await c.command('SET', '', 'small');
  t.is(id?.type === 'string' ? id.buf.length : 0, 8);
  t.deepEqual(await c.command('SET', '', 'too large!'), err('No space left on this namespace'));
  await c.command('AUTH', 'root');
  await c.command('NSNEW', 'n');
  t.is(fields(await c.command('NSINFO', 'n')).get('mode'), 'sequential');
  t.deepEqual(await c.command('NSSET', 'n', 'mode', 'user'), err('This server instance is configured to use a single runtime mode'));
  const anonymous = await RespClient.connect(port);
  t.teardown(() => anonymous.close());
  // The default namespace stays public: another client may read it, never write.
  t.deepEqual(await anonymous.command('SELECT', 'default'), ok);
  t.deepEqual(await anonymous.command('GET', id?.type === 'string' ? id.buf : ''), { type: 'string', buf: Buffer.from('small'), str: 'small' });
  t.deepEqual(await anonymous.command('SET', '', 'v'), err('Namespace is in read-only mode'));
});

test('STOP (admin) answers "+Stopping" and closes the server', async (t) => {
  let stopped = false;
  const { c, port } = await serve(t, { adminPassword: 'root', onStop: () => (stopped = true) });
  t.deepEqual(await c.command('STOP'), err('Permission denied'));
  await c.command('AUTH', 'root');
  t.deepEqual(await c.command('STOP'), { type: 'status', str: 'Stopping' });
  for (let i = 0; i < 50 && !stopped; i++) await new Promise((r) => setTimeout(r, 20));
  t.true(stopped);
  await t.throwsAsync(RespClient.connect(port));
});
