// CoreX's HTTP API on a real host zmachine, as corex answers it (threefoldtech/corex src/http.c):
// start a process with arg[] and list it, read its output, kill it (status and signal afterwards), clean,
// and corex's error replies for a missing or unknown id, a missing command line, another method or path.

import { request } from 'node:http';
import test from 'ava';
import { operationError } from '../../../workers/errors.js';
import { COREX_PORT } from '../../../workers/host/corex/server.js';
import { waitUntil } from '../../helpers/wait.js';
import { corexMachine } from './fixture.js';

function get(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('start, list, logs, kill, clean through the API; errors as corex replies them', async (t) => {
  const { client, mainPid } = await corexMachine(t, 'cx_api');
  t.regex(client.baseUrl, new RegExp(`^http://127\\.\\d+\\.\\d+\\.\\d+:${COREX_PORT}$`), 'corex port 7681 on a loopback address of its own');

  const started = await client.start(['/bin/sh', '-c', 'echo "hello-$WHO"; [ -t 0 ] && echo on-a-tty; exec /bin/sleep 1000']);
  t.true(started.pid > 0 && started.id > 0);
  const listed = await client.processes();
  t.like(listed.find((p) => p.id === started.id), { pid: started.pid, command: '/bin/sh -c echo "hello-$WHO"; [ -t 0 ] && echo on-a-tty; exec /bin/sleep 1000', state: 'running' });
  t.like(listed.find((p) => p.pid === mainPid), { command: '/main.sh', state: 'running' }, 'the entrypoint is listed too');

  const logs = await waitUntil('the output', () => client.logs(started.id), { until: (text) => text.includes('on-a-tty') });
  t.regex(logs, /hello-corex\r\non-a-tty\r\n/, 'the output as the terminal wrote it, CRLF and all');

  await client.kill(started.id);
  const stopped = await waitUntil('stopped', async () => (await client.processes()).find((p) => p.id === started.id), { until: (p) => p?.state === 'stopped' });
  t.like(stopped, { signal: 9, status: 0 });
  t.deepEqual(JSON.parse((await get(`${client.baseUrl}/api/process/kill?id=${started.id}`)).body), { status: 'error', reason: 'process already stopped' });
  t.like(JSON.parse((await get(`${client.baseUrl}/api/process/clean`)).body), { status: 'success' });
  t.false((await client.processes()).some((p) => p.id === started.id), 'clean drops stopped processes');

  const short = await client.start(['/bin/sh', '-c', 'exit 3']);
  const exited = await waitUntil('exit 3', async () => (await client.processes()).find((p) => p.id === short.id), { until: (p) => p?.state === 'stopped' });
  t.is(exited?.status, 3);
  t.is(exited?.signal, undefined);

  const error = async (path: string): Promise<unknown> => JSON.parse((await get(`${client.baseUrl}${path}`)).body);
  t.deepEqual(await error('/api/process/kill?id=999999'), { status: 'error', reason: 'invalid id' });
  t.deepEqual(await error('/api/process/stop'), { status: 'error', reason: 'missing id' });
  t.deepEqual(await error('/api/process/logs?id=424242'), { status: 'error', reason: 'invalid id' });
  t.deepEqual(await error('/api/process/start'), { status: 'error', reason: 'missing cmdline' });
  t.is((await get(`${client.baseUrl}/api/processes`, 'POST')).status, 400, 'corex serves GET only');
  t.is((await get(`${client.baseUrl}/nope`)).status, 404);
  t.is((await get(`${client.baseUrl}/attach/0`)).status, 404);
  const page = await get(`${client.baseUrl}/attach/${short.id}`);
  t.true(page.status === 200 && page.type.startsWith('text/html') && page.body.includes(`/ws/${short.id}`));
  t.regex((await get(`${client.baseUrl}/xterm/xterm.js`)).body, /Terminal/);

  // The operation's contract: an unknown pid is "no such process"; a machine that is down is unreachable.
  t.like(operationError(await t.throwsAsync(client.killPid(999_999))), { code: 'E_BAD_INPUT' });
  t.regex((await t.throwsAsync(client.killPid(999_999))).message, /corex: no process 999999/);
  await client.killPid(mainPid);
  t.like(operationError(await t.throwsAsync(client.processes())), { retryable: true }, 'killing the entrypoint takes the machine, and its CoreX, down');
});

test('a machine that is not running answers 503, which the client calls unreachable', async (t) => {
  const { client, host, workloadId } = await corexMachine(t, 'cx_down');
  await host.stop(workloadId);
  const answer = await get(`${client.baseUrl}/api/processes`);
  t.is(answer.status, 503);
  t.regex(JSON.parse(answer.body).reason as string, /corex unreachable: machine is stopped/);
  t.like(operationError(await t.throwsAsync(client.processes())), { retryable: true });
});
