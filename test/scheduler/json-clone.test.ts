import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { jsonClone } from '../../scheduler/transports/json-clone.js';
import { fcParams } from '../helpers/fc-params.js';

const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

test('jsonClone equals the JSON round trip, key order included, for any JSON-like value', (t) => {
  const value = fc.anything({ withBigInt: false, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withNullPrototype: true, stringUnit: 'binary' });
  fc.assert(
    fc.property(fc.dictionary(fc.string(), value), (v) => {
      const copy = jsonClone(v);
      if (JSON.stringify(copy) !== JSON.stringify(roundTrip(v))) throw new Error(`differs for ${JSON.stringify(v)}`);
      if (!isDeepStrictEqual(copy, roundTrip(v))) throw new Error(`not deep-equal for ${JSON.stringify(v)}`);
    }),
    fcParams('json clone', 500),
  );
  t.pass();
});

test('jsonClone shares nothing with its source and drops what JSON drops', (t) => {
  const source = { a: { b: [1, undefined, () => 2, -0, NaN] }, u: undefined, f: () => 1, d: new Date(0) };
  const copy = jsonClone(source) as unknown as { a: { b: unknown[] }; d: string };
  t.deepEqual(copy, { a: { b: [1, null, null, 0, null] }, d: '1970-01-01T00:00:00.000Z' });
  t.false(Object.is(copy.a.b[3], -0));
  t.not(copy.a, source.a);
  copy.a.b.push(9);
  t.is(source.a.b.length, 5);
});

