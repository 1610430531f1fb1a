import test from 'ava';
import fc from 'fast-check';
import { canonicalJson } from '../../sim/grid/canonical-json.js';
import { fcParams } from '../helpers/fc-params.js';

/** The definition canonicalJson replaces: JSON.stringify with a replacer that sorts each object's keys. */
function bySortingReplacer(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

test('canonicalJson gives the text of JSON.stringify with sorted keys, for any JSON-like value', (t) => {
  const value = fc.anything({ withNullPrototype: false, withBigInt: false, withDate: true, withMap: false, withSet: false, withTypedArray: false, withSparseArray: true, withBoxedValues: false, stringUnit: 'binary' });
  fc.assert(
    fc.property(value, (v) => {
      if (canonicalJson(v) !== bySortingReplacer(v)) throw new Error(`differs for ${bySortingReplacer(v)}`);
    }),
    fcParams('canonical json', 500),
  );
  t.pass();
});

test('keys sort by code unit at every depth, array-index keys first; undefined members vanish from objects and are null in arrays', (t) => {
  t.is(canonicalJson({ b: 1, a: { d: [undefined, 2], c: undefined, B: 'x' }, é: 0, z: 0 }), '{"a":{"B":"x","d":[null,2]},"b":1,"z":0,"é":0}');
  t.is(canonicalJson({ '': 1, 10: 2, 9: 3, '09': 4 }), '{"9":3,"10":2,"":1,"09":4}');
});

test('strings and keys that need escapes are escaped as JSON.stringify does', (t) => {
  const value = { 'a"b': 'q"\\\n\u0001', s: '\ud800 lone, 😀 paired, é', n: [NaN, -0, 1e21, Infinity], u: undefined, f: () => 1 };
  t.is(canonicalJson(value), bySortingReplacer(value));
  t.is(canonicalJson(value), '{"a\\"b":"q\\"\\\\\\n\\u0001","n":[null,0,1e+21,null],"s":"\\ud800 lone, 😀 paired, é"}');
});
