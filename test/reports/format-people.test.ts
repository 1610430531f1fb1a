// Numbers on the page are rounded for people; the leading nines of a share are never rounded away.
import test from 'ava';
import { formatForPeople } from '../../reports/format.js';

test('four significant digits, whole numbers kept, large ones to the unit, nines kept', (t) => {
  t.is(formatForPeople(0.003577013691), '0.003577');
  t.is(formatForPeople(722697.9408), '722698');
  t.is(formatForPeople(12.3456), '12.35');
  t.is(formatForPeople(8022), '8022');
  t.is(formatForPeople(NaN), '');
  t.is(formatForPeople(0.9991248956), '0.9991249', 'three nines: three more digits');
  t.is(formatForPeople(99.9912), '99.9912');
  t.not(formatForPeople(99.9912), formatForPeople(99.99));
  t.is(formatForPeople(98.34437086), '98.344', 'one leading nine: one more digit');
});
