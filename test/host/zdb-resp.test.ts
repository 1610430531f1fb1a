// The RESP request parser alone: any split of a valid stream into chunks gives the same requests,
// and the caps turn oversized or malformed input into ProtocolError instead of buffering it.

import test from 'ava';
import fc from 'fast-check';
import { ProtocolError, RespParser } from '../../workers/host/zdb/resp.js';

const seed = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);

function encode(args: readonly Uint8Array[]): Buffer {
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.flatMap((a) => [Buffer.from(`$${a.length}\r\n`), Buffer.from(a), Buffer.from('\r\n')])]);
}

// Small bulks, and some above the parser's 4 KiB re-read threshold, to cover both buffering paths.
const arg = fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 4000, maxLength: 9000 }) });
const request = fc.array(arg, { minLength: 1, maxLength: 5 });

test('a stream of requests split anywhere parses to the same requests', (t) => {
  t.log(`fast-check seed=${seed} (replay: FC_SEED=${seed})`);
  fc.assert(
    fc.property(fc.array(request, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (requests, cuts) => {
      const stream = Buffer.concat(requests.map(encode));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const parser = new RespParser();
      const got: Buffer[][] = [];
      let from = 0;
      for (const at of [...points, stream.length]) {
        got.push(...parser.push(stream.subarray(from, at)));
        from = at;
      }
      const expected = requests.map((r) => r.map((a) => Buffer.from(a).toString('hex')));
      const actual = got.map((r) => r.map((a) => a.toString('hex')));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error('requests differ');
    }),
    { seed, numRuns: 300 },
  );
  t.pass();
});

test('malformed headers and oversized declarations are protocol errors with 0-db\'s texts, earlier requests kept', (t) => {
  const ok = encode([Buffer.from('PING')]);
  // [bytes, reply, close]: 0-db's zdbd/redis.c discards (closes) or wedges the connection.
  const cases: [string, string, boolean][] = [
    ['GET x\r\n', 'Malformed request, array expected', true],
    ['*0\r\n', 'Missing arguments', false],
    // atoi("x") is 0.
    ['*x\r\n', 'Missing arguments', false],
    ['*1025\r\n', 'Too many arguments', false],
    ['*-1\r\n', 'Internal memory error', true],
    ['*1\r\n:1\r\n', 'Malformed query string', false],
    [`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${8 * 1024 * 1024 + 1}\r\n`, 'Payload too big', true],
    ['*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length', true],
    ['*1\r\n$1\r\nab\r\n', 'ERR Protocol error: bulk not terminated by CRLF', true],
    [`*1\r\n$${'9'.repeat(40)}`, 'ERR Protocol error: invalid bulk header', true],
  ];
  for (const [bad, reply, close] of cases) {
    const parser = new RespParser();
    const error = t.throws(() => parser.push(Buffer.concat([ok, Buffer.from(bad)])), { instanceOf: ProtocolError }, bad);
    t.is(error?.completed.length, 1, bad);
    t.is(error?.reply, reply, bad);
    t.is(error?.close, close, bad);
  }
  // 1024 arguments are allowed, and an 8 MiB bulk (the limit itself) is accepted.
  t.deepEqual(new RespParser().push(Buffer.from('*1024\r\n')), []);
  t.deepEqual(new RespParser().push(Buffer.from(`*1\r\n$${8 * 1024 * 1024}\r\n`)), []);
  // A line that is not an array waits for its end of line, as 0-db does, before it is refused.
  t.deepEqual(new RespParser().push(Buffer.from('PIN')), []);
});
