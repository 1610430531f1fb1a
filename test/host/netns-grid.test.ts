// Nodes as network namespaces (issue 17): a grid of two farms of two nodes, TCP across farms, and the
// faults as real link changes: a farm link cut or a partition stops traffic and healing restores it; a
// power-off kills the node's processes and takes its link down. Close and the dead-owner sweep leave
// nothing of a run behind. Skips unless root with iproute2.

import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { loaderArgs, modulePath } from '../../sim/project-files.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NamespaceDialer, NetnsGrid, NetnsLinks, sweepDeadRuns } from '../../workers/host/netns/index.js';
import { newRunId } from '../../workers/host/netns/names.js';
import { stateDir } from '../../workers/host/netns/owner-state.js';
import { leftoversOf, linkUp, netnsSkipReason, tcpReaches, tcpServerIn } from '../helpers/netns.js';

const skip = netnsSkipReason();
// Concurrent: every grid has its own run id, address slot and namespaces.
const maybe = skip === undefined ? test.serial : test.skip;
if (skip !== undefined) test('netns grid', (t) => t.log(skip));

// Underlay ids: nodes 0..3, then farm 0's router 4 and farm 1's router 5.
const farmOfNode = [0, 0, 1, 1];
const port = 7100;
const wireguardDir = '/var/run/wireguard';

maybe('namespaces and links come up; a node reaches a node of the other farm over TCP, and the owner reaches both', async (t) => {
  const grid = await NetnsGrid.create(farmOfNode);
  try {
    const n = grid.names;
    t.deepEqual(grid.nodes.map((x) => x.address), [`${n.prefix16}.0.2`, `${n.prefix16}.0.3`, `${n.prefix16}.1.2`, `${n.prefix16}.1.3`]);
    t.true(linkUp(n.nodeNs(0), n.iface('n', 0)));
    t.true(linkUp(n.farmNs(0), n.iface('l', 0, 1)));
    t.true(linkUp(n.farmNs(1), n.iface('l', 1, 0)));
    t.true(grid.nodes.every((x) => x.name.length > 0 && x.exec(['true'])[3] === x.name));
    const server = await tcpServerIn(grid.nodes[3]!, port);
    try {
      t.true(await tcpReaches(grid.nodes[3]!.address, port, grid.nodes[0]), 'node 0 (farm 0) → node 3 (farm 1)');
      t.true(await tcpReaches(grid.nodes[3]!.address, port, grid.nodes[2]), 'node 2 → node 3 on one farm LAN');
      t.true(await tcpReaches(grid.nodes[3]!.address, port), 'owner → node 3');
    } finally {
      server.stop();
    }
  } finally {
    await grid.close();
  }
  t.deepEqual(leftoversOf(grid.names.run), []);
});

maybe('a farm link cut and a partition stop traffic across farms; healing restores it; a node link cut isolates one node', async (t) => {
  const grid = await NetnsGrid.create(farmOfNode);
  const links = new NetnsLinks(grid);
  const server = await tcpServerIn(grid.nodes[3]!, port);
  const [n0, n2, n3] = [grid.nodes[0]!, grid.nodes[2]!, grid.nodes[3]!];
  try {
    await links.setCut(4, 5, true);
    t.false(await tcpReaches(n3.address, port, n0), 'cut farm link: no path between farms');
    t.true(await tcpReaches(n3.address, port, n2), 'inside farm 1 still fine');
    t.deepEqual(links.downLinks(), [[4, 5]]);
    await links.setCut(5, 4, false);
    t.true(await tcpReaches(n3.address, port, n0), 'healed');

    await links.partition([1]);
    t.false(await tcpReaches(n3.address, port, n0), 'partitioned');
    await links.setCut(4, 5, false);
    t.false(await tcpReaches(n3.address, port, n0), 'healing a link cut does not undo a partition');
    await links.healPartition();
    t.true(await tcpReaches(n3.address, port, n0), 'partition healed');

    // Dialled from the cut node itself: its side has no route at all, so the dial fails at once
    // instead of waiting out ARP.
    const server2 = await tcpServerIn(n2, port);
    await links.setCut(3, 5, true);
    t.false(await tcpReaches(n2.address, port, n3), 'node 3 cut off its LAN');
    await links.setCut(3, 5, false);
    t.true(await tcpReaches(n2.address, port, n3), 'node 3 back on its LAN');
    server2.stop();

    t.throws(() => links.linkOf(0, 5), { message: /link 0-5.*no such link/ });
    await t.throwsAsync(links.partition([7]), { message: /farms\[0\]/ });
  } finally {
    server.stop();
    await grid.close();
  }
  t.deepEqual(leftoversOf(grid.names.run), []);
});

maybe('power-off kills the node\'s processes and takes its link down; power-on restores its link', async (t) => {
  const grid = await NetnsGrid.create(farmOfNode);
  const links = new NetnsLinks(grid);
  try {
    const server = await tcpServerIn(grid.nodes[3]!, port);
    t.true((await grid.nodePids(3)).length > 0);
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    await links.setPower(3, false);
    await exited;
    t.deepEqual(await grid.nodePids(3), []);
    t.false(linkUp(grid.names.nodeNs(3), grid.names.iface('n', 3)));
    await links.setPower(3, true);
    t.true(linkUp(grid.names.nodeNs(3), grid.names.iface('n', 3)));
    const again = await tcpServerIn(grid.nodes[3]!, port);
    try {
      t.true(await tcpReaches(grid.nodes[3]!.address, port, grid.nodes[0]), 'reachable again across farms (default route restored)');
    } finally {
      again.stop();
    }
  } finally {
    await grid.close();
  }
});

maybe('the start-up sweep removes namespaces of a dead owner and keeps a live one\'s', async (t) => {
  const live = await NetnsGrid.create([0]);
  // Run ids of this test process only: another copy of this file may be sweeping at the same time.
  const [dead, unrecorded, unknown] = [newRunId(), newRunId(), newRunId()];
  try {
    // A run whose owner record names a pid that is gone, and one with no record at all.
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, `${dead}.json`), JSON.stringify({ run: dead, pid: 2 ** 22 + 1, startTicks: '1' }));
    execFileSync('ip', ['netns', 'add', `ztb-${dead}-n0`]);
    execFileSync('ip', ['netns', 'add', `ztb-${unrecorded}-f0`]);
    // A WireGuard UAPI socket left by the dead run, and one of a run we know nothing about.
    mkdirSync(wireguardDir, { recursive: true });
    writeFileSync(join(wireguardDir, `zt${dead}w1.sock`), '');
    writeFileSync(join(wireguardDir, `zt${unknown}w1.sock`), '');
    // Not the list sweepDeadRuns answers: a test file starting in parallel may sweep them first.
    await sweepDeadRuns();
    t.deepEqual([...leftoversOf(dead), ...leftoversOf(unrecorded)], []);
    t.false(existsSync(join(stateDir, `${dead}.json`)), 'the dead owner\'s record is gone');
    t.false(existsSync(join(wireguardDir, `zt${dead}w1.sock`)), 'the dead run\'s WireGuard socket is gone');
    t.true(existsSync(join(wireguardDir, `zt${unknown}w1.sock`)), 'a socket of an unknown run is not ours to judge');
    t.true(leftoversOf(live.names.run).includes(live.nodes[0]!.name), 'the live run is kept');
  } finally {
    rmSync(join(wireguardDir, `zt${unknown}w1.sock`), { force: true });
    await live.close();
  }
  t.deepEqual(leftoversOf(live.names.run), []);
});

maybe('a dialer runs this process\'s connections from inside a node: across farms while linked, refused once cut, gone with the node\'s power', async (t) => {
  const grid = await NetnsGrid.create(farmOfNode);
  const links = new NetnsLinks(grid);
  const server = await tcpServerIn(grid.nodes[3]!, port);
  try {
    const dialer = await NamespaceDialer.start(grid.nodes[0]!, join(stateDir, `${grid.names.run}-test-dialer.sock`));
    const socket = await dialer.dial(grid.nodes[3]!.address, port);
    const greeting = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => { text += c.toString(); });
      socket.on('end', () => resolve(text));
    });
    t.is(greeting, `hello from ${grid.nodes[3]!.name}\n`);
    await links.setCut(4, 5, true);
    await t.throwsAsync(dialer.dial(grid.nodes[3]!.address, port), { message: /from ztb-.*-n0: .*(ENETUNREACH|EHOSTUNREACH|unreachable)/i });
    await links.setPower(0, false);
    await t.throwsAsync(dialer.dial(grid.nodes[3]!.address, port), { message: /dialer is gone|ECONNREFUSED|ENOENT/ });
    await dialer.stop();
  } finally {
    server.stop();
    await grid.close();
  }
  t.deepEqual(leftoversOf(grid.names.run), []);
});

maybe('an owner killed with SIGKILL leaves namespaces and a process inside; the next start\'s sweep removes both', async (t) => {
  // The owner: a grid of two farms and a `sleep` inside node 0, then it waits to be killed.
  const url = pathToFileURL(modulePath('workers/host/netns/index')).href;
  const code = `const m = await import(${JSON.stringify(url)}); const g = await m.NetnsGrid.create([0, 1]);
    const { spawn } = await import('node:child_process'); const [c, ...a] = g.nodes[0].exec(['sleep', '600']);
    const s = spawn(c, a, { stdio: 'ignore', detached: true }); s.unref();
    setTimeout(() => console.log(g.names.run + ' ' + s.pid), 300); setInterval(() => {}, 1000);`;
  const owner = spawn(process.execPath, [...loaderArgs(), '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  owner.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const line = await new Promise<string>((resolve, reject) => {
    owner.stdout.once('data', (c: Buffer) => resolve(c.toString().trim()));
    owner.once('exit', (code) => reject(new Error(`owner exited (${String(code)}): ${err}`)));
  });
  const [run, sleepPid] = line.split(' ') as [string, string];
  t.true(leftoversOf(run).length > 0, 'the owner made its namespaces');
  const gone = new Promise((resolve) => owner.once('exit', resolve));
  owner.kill('SIGKILL');
  await gone;
  t.true(runs(Number(sleepPid)), 'the process in the namespace outlives its owner');
  await sweepDeadRuns();
  t.deepEqual(leftoversOf(run), []);
  t.false(runs(Number(sleepPid)), 'and the sweep killed it');
});

/** Alive and not a zombie (a killed orphan may wait a while for its new parent to reap it). */
function runs(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
