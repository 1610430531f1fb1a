// Grid spec validation: every rejection names its field. Leaves out valid specs (the other grid tests).

import test from 'ava';
import { InputError } from '../../sim/errors.js';
import { setup } from './grid-helpers.js';

const ok = { name: 'a', publicIpv4Count: 1, nodes: [{ template: 'diy-small', count: 1 }] };
const cases: [string, unknown, RegExp][] = [
  ['not an object', 7, /grid spec: must be an object/],
  ['unknown top field', { farms: [ok], extra: 1 }, /field extra: is not a field/],
  ['no farms', { farms: [] }, /field farms: must list at least one farm/],
  ['farms not an array', { farms: {} }, /field farms: must be an array/],
  ['empty name', { farms: [{ ...ok, name: '' }] }, /field farms\[0\]\.name: must be a non-empty string/],
  ['duplicate name', { farms: [ok, ok] }, /field farms\[1\]\.name: "a" names two farms/],
  ['negative IPs', { farms: [{ ...ok, publicIpv4Count: -1 }] }, /field farms\[0\]\.publicIpv4Count: must be a whole number/],
  ['too many IPs', { farms: [{ ...ok, publicIpv4Count: 2 ** 24 }] }, /field farms\[0\]\.publicIpv4Count: must be <=/],
  ['unknown template', { farms: [{ ...ok, nodes: [ok.nodes[0], { template: 'nope', count: 1 }] }] }, /field farms\[0\]\.nodes\[1\]\.template: .*no node profile named "nope"/],
  ['fractional count', { farms: [{ ...ok, nodes: [{ template: 'diy-small', count: 1.5 }] }] }, /field farms\[0\]\.nodes\[0\]\.count: must be a whole number/],
  ['typo in a group', { farms: [{ ...ok, nodes: [{ template: 'diy-small', cont: 1 }] }] }, /field farms\[0\]\.nodes\[0\]\.cont: is not a field/],
];

for (const [what, spec, message] of cases) {
  test(`rejects a spec: ${what}`, (t) => {
    const error = t.throws(() => setup(spec as never), { instanceOf: InputError, message });
    t.is(error?.code, 'E_BAD_INPUT');
  });
}

test('a farm with no nodes and no addresses is allowed', (t) => {
  const { grid } = setup({ farms: [{ name: 'empty', publicIpv4Count: 0, nodes: [] }, ok] });
  t.is(grid.nodeCount, 1);
  t.is(grid.farmOf(0), 1);
  t.is(grid.reserveIpv4(0), '185.0.0.1');
});
