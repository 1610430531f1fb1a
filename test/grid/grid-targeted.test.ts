// Growing in place: a reservation on one given pool or disk, as a zmount or zdb grow needs.
import test from 'ava';
import { catalogWith, customTemplate, oneFarm, setup } from './grid-helpers.js';

const GiB = 2 ** 30;

test('reserveSsdOn and reserveHddOn take bytes from that device only, and refuse what does not fit there', (t) => {
  const template = customTemplate('two-pools', 16 * GiB, [100 * GiB, 200 * GiB], [50 * GiB]);
  const { grid } = setup(oneFarm([{ template: 'two-pools', count: 1 }]), { profiles: catalogWith(template) });
  t.true(grid.reserveSsdOn(0, 0, 60 * GiB));
  t.false(grid.reserveSsdOn(0, 0, 41 * GiB), 'pool 0 has 40 GiB left, although pool 1 has 200');
  t.true(grid.reserveSsdOn(0, 0, 40 * GiB));
  t.is(grid.free(0).sruBytes, 200 * GiB);
  t.true(grid.reserveHddOn(0, 0, 50 * GiB));
  t.false(grid.reserveHddOn(0, 0, 1));
  grid.releaseSsd(0, 0, 100 * GiB);
  t.is(grid.free(0).sruBytes, 300 * GiB);
});

test('a failed device takes no more bytes', (t) => {
  const template = customTemplate('two-pools', 16 * GiB, [100 * GiB, 200 * GiB]);
  const { grid } = setup(oneFarm([{ template: 'two-pools', count: 1 }]), { profiles: catalogWith(template), armDeviceFailures: false });
  grid.ssd(0, 1).fail();
  t.false(grid.reserveSsdOn(0, 1, GiB));
  t.true(grid.reserveSsdOn(0, 0, GiB));
});
