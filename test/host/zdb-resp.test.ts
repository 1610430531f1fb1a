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

test('malformed headers and oversized declarations are protocol errors, with earlier requests kept', (t) => {
  const ok = encode([Buffer.from('PING')]);
  for (const bad of ['GET x\r\n', '*x\r\n', '*1\r\n$-1\r\n', '*1\r\n$1\r\nab\r\n', `*1\r\n$${9 * 1024 * 1024}\r\n`, '*99999\r\n', `*1\r\n$${'9'.repeat(40)}`]) {
    const parser = new RespParser();
    const error = t.throws(() => parser.push(Buffer.concat([ok, Buffer.from(bad)])), { instanceOf: ProtocolError }, bad);
    t.is(error?.completed.length, 1, bad);
  }
  // `*0` is an empty request and is skipped, as redis does.
  t.deepEqual(new RespParser().push(Buffer.concat([Buffer.from('*0\r\n'), ok])).length, 1);
});
