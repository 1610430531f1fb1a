// Which real link an underlay fault takes down, and when it comes back: a node's LAN link is up while
// the node is powered and the link not cut, a farm link while neither cut nor partitioned; the causes
// are undone separately. On a recording fake of the grid, so it runs without root and in milliseconds.

import test from 'ava';
import { NetnsGrid, NetnsLinks, type LinkTarget } from '../../workers/host/netns/index.js';
import { RunNames } from '../../workers/host/netns/names.js';

/** Three farms: nodes 0,1 in farm 0, node 2 in farm 1, node 3 in farm 2; routers are 4, 5, 6. */
function fakeGrid(): { grid: LinkTarget; calls: string[] } {
  const calls: string[] = [];
  const farmOfNode = [0, 0, 1, 2];
  const grid: LinkTarget = {
    farmOfNode,
    farmCount: 3,
    farmPairs: () => [[0, 1], [0, 2], [1, 2]],
    setNodeLink: async (node, up) => void calls.push(`node ${node} ${up ? 'up' : 'down'}`),
    setFarmLink: async (a, b, up) => void calls.push(`farms ${a}-${b} ${up ? 'up' : 'down'}`),
    killNodeProcesses: async (node) => {
      calls.push(`kill ${node}`);
      return 0;
    },
  };
  return { grid, calls };
}

test('underlay ids name a node\'s LAN link or a farm link; anything else is bad input naming the link', (t) => {
  const links = new NetnsLinks(fakeGrid().grid);
  t.deepEqual(links.linkOf(2, 5), { kind: 'node', node: 2 });
  t.deepEqual(links.linkOf(4, 1), { kind: 'node', node: 1 });
  t.deepEqual(links.linkOf(6, 4), { kind: 'farms', a: 0, b: 2 });
  for (const [a, b] of [[2, 4], [0, 1], [4, 4], [0, 7], [-1, 4], [1.5, 4]] as const) {
    t.throws(() => links.linkOf(a, b), { message: new RegExp(`link ${a}-${b}.*no such link`) }, `${a}-${b}`);
  }
});

test('a partition takes down exactly the farm links crossing it, adds to earlier ones, and heals apart from link cuts', async (t) => {
  const { grid, calls } = fakeGrid();
  const links = new NetnsLinks(grid);
  await links.partition([0]);
  t.deepEqual(calls.sort(), ['farms 0-1 down', 'farms 0-2 down']);
  await links.setCut(5, 6, true);
  t.deepEqual(links.downLinks(), [[4, 5], [4, 6], [5, 6]]);
  calls.length = 0;
  await links.healPartition();
  t.deepEqual(calls.sort(), ['farms 0-1 up', 'farms 0-2 up']);
  t.deepEqual(links.downLinks(), [[5, 6]], 'the cut stays');
  await links.partition([1]);
  await links.setCut(6, 5, false);
  t.deepEqual(links.downLinks(), [[4, 5], [5, 6]], 'healing the cut leaves the partitioned link down');
  await t.throwsAsync(links.partition([0, 3]), { message: /farms\[1\]: must be a farm index 0\.\.2, got 3/ });
});

test('a node link is up only while powered and not cut; power-off kills first, then takes it down', async (t) => {
  const { grid, calls } = fakeGrid();
  const links = new NetnsLinks(grid);
  await links.setPower(2, false);
  t.deepEqual(calls, ['kill 2', 'node 2 down']);
  await links.setCut(2, 5, true);
  calls.length = 0;
  await links.setPower(2, true);
  t.deepEqual(calls, ['node 2 down'], 'powered on but still cut');
  await links.setCut(2, 5, false);
  t.deepEqual(calls, ['node 2 down', 'node 2 up']);
  t.deepEqual(links.downLinks(), []);
});

test('names stay within IFNAMSIZ and addresses inside the run\'s /16; a grid too large is refused before anything is made', async (t) => {
  const names = new RunNames('ab12', 63);
  t.is(names.iface('l', 249, 248), 'ztab12l249-248');
  t.true(names.iface('l', 249, 248).length <= 15);
  t.throws(() => names.iface('l', 12345, 6789), { message: /longer than 15/ });
  t.is(names.nodeAddress(249, 251), '100.127.249.253');
  t.is(names.ownerAddress, '100.127.254.1');
  t.throws(() => new RunNames('AB12', 0), { message: /run id/ });
  t.throws(() => new RunNames('ab12', 64), { message: /slot must be 0\.\.63/ });
  await t.throwsAsync(NetnsGrid.create(Array.from({ length: 253 }, () => 0)), { message: /farm 0 has 253 nodes; .* at most 252/ });
  await t.throwsAsync(NetnsGrid.create([0, 251]), { message: /at most 250 farms/ });
  await t.throwsAsync(NetnsGrid.create([]), { message: /at least one node/ });
});
