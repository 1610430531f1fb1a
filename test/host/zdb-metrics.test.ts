// `zos-testbed zdb --metrics-port 0`: a real server process whose /metrics parses as Prometheus text,
// counts every request by the command it ran and how it ended (as the client saw the reply), counts
// the bytes that crossed the socket, and shows each namespace's keys and bytes as NSINFO does.

import { createServer } from 'node:net';
import test from 'ava';
import { cli, stackFrame } from '../helpers/cli.js';
import { parsePromText, sumOf, type Sample } from '../helpers/prom-text.js';
import { encodeRequest, RespClient, type Reply } from '../helpers/resp-client.js';
import { removeDataDir, startZdb, tempDataDir } from '../helpers/zdb-server.js';

/** Requests as sent; the name each should be counted under (0-db's table name, or `unknown`). */
const requests: ReadonlyArray<readonly [string, ...string[]]> = [
  ['PING'], ['PING'],
  ['SET', 'k1', 'v1'], ['SET', 'k2', 'value-2'], ['GET', 'k1'], ['GET', 'missing'], ['DEL', 'missing'],
  ['EXISTS', 'k1'], ['NSNEW', 'second'], ['NSNEW', 'second'], ['SELECT', 'second'], ['SET', 'a', 'bcd'],
  ['SELECT', 'nowhere'], ['FOOBAR', 'x'],
];
const countedAs = (word: string): string => (word === 'FOOBAR' ? 'unknown' : word);

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return parsePromText(await response.text());
}

function nsinfoField(reply: Reply | null, field: string): number {
  if (reply?.type !== 'string') throw new Error(`NSINFO answered ${JSON.stringify(reply)}`);
  const line = reply.str.split('\n').find((l) => l.startsWith(`${field}: `));
  return Number(line?.slice(field.length + 2));
}

test('zdb /metrics: command counters equal the requests sent, by command and outcome; bytes and namespaces as the server holds them', async (t) => {
  const zdb = await startZdb({ extraArgs: ['--metrics-port', '0'] });
  t.teardown(async () => {
    await zdb.stop();
    removeDataDir(zdb.dataDir);
  });
  const url = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(zdb.stderr())?.[1];
  t.truthy(url, `the ready line names the metrics URL: ${zdb.stderr()}`);
  const client = await RespClient.connect(zdb.port);
  t.teardown(() => client.socket.destroy());
  let receivedBytes = 0;
  client.socket.on('data', (chunk: Buffer) => (receivedBytes += chunk.length));

  const expected = new Map<string, number>();
  let sentBytes = 0;
  for (const request of requests) {
    sentBytes += encodeRequest(request).length;
    const reply = await client.command(...request);
    const key = `${countedAs(request[0])} ${reply?.type === 'error' ? 'error' : 'ok'}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  t.true(expected.has('unknown error') && expected.has('SET ok') && expected.has('NSNEW error'), [...expected.keys()].join(', '));
  // NSINFO's own figures, read before the scrape (the scrape counts these two requests too).
  const nsinfo = await client.command('NSINFO', 'default');
  const nsinfoSecond = await client.command('NSINFO', 'second');
  sentBytes += encodeRequest(['NSINFO', 'default']).length + encodeRequest(['NSINFO', 'second']).length;
  expected.set('NSINFO ok', 2);

  const samples = await scrape(url!);
  const counted = samples.filter((s) => s.name === 'zdb_commands_total');
  t.deepEqual(
    Object.fromEntries(counted.map((s) => [`${s.labels.command} ${s.labels.outcome}`, s.value]).sort()),
    Object.fromEntries([...expected].sort()),
  );
  t.is(sumOf(samples, 'zdb_command_duration_seconds_count', { command: 'SET' }), 3, 'one duration per SET');
  t.is(sumOf(samples, 'zdb_received_bytes_total'), sentBytes, 'every byte the client sent');
  t.is(sumOf(samples, 'zdb_sent_bytes_total'), receivedBytes, 'every byte the client read');
  t.is(sumOf(samples, 'zdb_clients_connected'), 1);
  t.is(sumOf(samples, 'zdb_namespaces'), 2);
  for (const [ns, info] of [['default', nsinfo], ['second', nsinfoSecond]] as const) {
    t.is(sumOf(samples, 'zdb_namespace_entries', { namespace: ns }), nsinfoField(info, 'entries'), `${ns} entries`);
    t.is(sumOf(samples, 'zdb_namespace_data_size_bytes', { namespace: ns }), nsinfoField(info, 'data_size_bytes'), `${ns} data bytes`);
    t.is(sumOf(samples, 'zdb_namespace_index_size_bytes', { namespace: ns }), nsinfoField(info, 'index_size_bytes'), `${ns} index bytes`);
  }
  t.is(sumOf(samples, 'zdb_namespace_entries', { namespace: 'default' }), 2);
  t.is(sumOf(samples, 'zdb_namespace_entries', { namespace: 'second' }), 1);
});

test('zdb --metrics-port: out of range or taken is bad input naming the flag', async (t) => {
  const dataDir = tempDataDir();
  t.teardown(() => removeDataDir(dataDir));
  const range = await cli('zdb', '--port', '0', '--data-dir', dataDir, '--metrics-port', '70000');
  t.is(range.code, 2);
  t.regex(range.stderr, /--metrics-port/);
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const taken = await cli('zdb', '--port', '0', '--data-dir', dataDir, '--metrics-port', String(port));
  t.is(taken.code, 2);
  t.regex(taken.stderr, new RegExp(`--metrics-port: port ${port} is already in use`));
  t.notRegex(taken.stderr, stackFrame);
});
