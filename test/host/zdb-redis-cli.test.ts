// The real `redis-cli` as a 0-db client: one session (NSNEW, SELECT, SET, GET, HISTORY, NSINFO)
// against a `zos-testbed zdb` process, read the way a person at a terminal would.

import { spawn } from 'node:child_process';
import test from 'ava';
import { removeDataDir, startZdb } from '../helpers/zdb-server.js';

function redisCli(port: number, script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', ['-p', String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
    child.stdin.end(script);
  });
}

test('a redis-cli session creates a namespace, writes, reads, walks history and reads NSINFO', async (t) => {
  const zdb = await startZdb();
  t.teardown(async () => {
    await zdb.stop();
    removeDataDir(zdb.dataDir);
  });
  const script = ['NSNEW books', 'SELECT books', 'SET title first', 'SET title second', 'GET title', 'HISTORY title', 'NSINFO books', ''].join('\n');
  const { code, stdout } = await redisCli(zdb.port, script);
  t.is(code, 0);
  const lines = stdout.split('\n');
  // NSNEW, SELECT, two SETs (each replies with the key), GET.
  t.deepEqual(lines.slice(0, 5), ['OK', 'OK', 'title', 'title', 'second']);
  // HISTORY: the cursor to the previous version (0-db's 8-byte index_ekey_t; here the first entry's
  // data-file offset, 8, little-endian after 4 zero bytes), the timestamp, the payload.
  t.is(lines[5], '\0\0\0\0\x08\0\0\0');
  t.true(Math.abs(Number(lines[6]) - Date.now() / 1000) < 60, `timestamp ${lines[6]}`);
  t.is(lines[7], 'second');
  t.true(stdout.includes('# namespace\nname: books\nentries: 1\n'), stdout);
  t.regex(stdout, /data_size_bytes: 6\n/);
  t.regex(stdout, /mode: userkey\n/);
  // The cursor leads to the older version.
  const older = await redisCli(zdb.port, 'SELECT books\nHISTORY title "\\x00\\x00\\x00\\x00\\x08\\x00\\x00\\x00"\n');
  const olderLines = older.stdout.split('\n');
  // SELECT's OK, then a nil cursor (no older version), the timestamp and the first payload.
  t.is(olderLines[0], 'OK');
  t.is(olderLines[1], '');
  t.is(olderLines[3], 'first');
  t.regex(older.stdout, /\nfirst\n/);
});
