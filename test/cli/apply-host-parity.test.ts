// `apply --backend host` against `--backend sim` for one file (issue 17): a deployment with a network,
// a zmount and a VM zmachine ends with every workload in the same state on both. On the host the nodes
// are namespaces (--host-network netns): the network is real WireGuard in node 0's network resource and
// the zmachine is a real VM (qemu, the test guest of scripts/build-vm-guest.sh published on the local
// hub under the official image's URL) with its NIC in that Z-Net; in simulation the same URL is a
// synthetic micro-VM image. Skipped with the reason when not root, or wireguard-go, qemu or the guest is missing.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { DirHub, packDir, serializeFlist } from '../../workers/host/flist/index.js';
import { builtBinary, cli } from '../helpers/cli.js';
import { znetSkipReason } from '../helpers/znet.js';
import { run } from '../../workers/host/znet/index.js';
import { qemuProcesses, vmGuestOrReason } from '../host/vm/vm-fixture.js';

const MiB = 2 ** 20;
const guest = znetSkipReason() === undefined ? vmGuestOrReason() : undefined;
const skip = znetSkipReason() ?? (typeof guest === 'string' ? `needs qemu and the VM guest: ${guest}` : undefined);

const imageUrl = 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist';
/** The name the host backend fetches that URL under from its own hub (workers/host-backend/hub-map.ts). */
const localImageName = 'tf-official-vms.ubuntu-22.04.flist';

function workload(name: string, type: string, data: unknown): object {
  return { version: 0, name, type, metadata: '', description: '', data };
}

const ops = [{
  id: 'vm-with-net',
  kind: 'deployment.create',
  node: 0,
  deployment: {
    version: 0, twin_id: 70, contract_id: 0, metadata: '', description: 'network, zmount and VM zmachine',
    workloads: [
      workload('net', 'network', { ip_range: '10.70.0.0/16', subnet: '10.70.2.0/24', wireguard_private_key: 'wg-key:net:0', wireguard_listen_port: 7070, peers: [] }),
      workload('disk', 'zmount', { size: 1024 * MiB }),
      workload('vm', 'zmachine', {
        flist: imageUrl, entrypoint: '/sbin/serve', size: 0, env: {}, mounts: [{ name: 'disk', mountpoint: '/data' }],
        compute_capacity: { cpu: 1, memory: 256 * MiB },
        network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: '10.70.2.5' }] },
      }),
    ],
  },
}];

interface Report {
  ops: { id: string; state: string; error: unknown }[];
  workloads: { op: string; contractId: number; node: number | null; workloads: { name: string; type: string; state: string }[] }[];
}

/** Files under `dir` whose name ends with `suffix` (the machine log lives in a node's state dir). */
function findFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
}

/**
 * Polls this host's namespaces for a Z-Net network resource (`zn<run>-n<slot>`) holding `address`
 * and a WireGuard (tun) device, until stop(); answers whether one was seen.
 */
function watchForNetworkResource(address: string): { stop(): Promise<boolean> } {
  let seen = false;
  let running = true;
  const loop = (async () => {
    while (running && !seen) {
      for (const ns of (await run(['ip', 'netns', 'list']).catch(() => '')).split('\n').map((l) => l.split(' ')[0]!).filter((n) => /^zn[a-z0-9]+-n\d+$/.test(n))) {
        const addrs = await run(['ip', '-n', ns, '-o', 'addr', 'show']).catch(() => '');
        const tun = await run(['ip', '-n', ns, '-o', 'link', 'show', 'type', 'tun']).catch(() => '');
        if (addrs.includes(` ${address}/`) && tun.trim() !== '') seen = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return { stop: async () => ((running = false), await loop, seen) };
}

if (skip !== undefined) {
  test('apply --backend host matches --backend sim for a network, a zmount and a VM zmachine', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('apply --backend host --host-network netns ends with every workload in the state --backend sim gives (network, zmount, VM zmachine)', async (t) => {
    t.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'apply-host-parity-'));
    try {
      const file = join(dir, 'ops.json');
      writeFileSync(file, JSON.stringify(ops));
      const dataDir = join(dir, 'data');
      // The backend serves DATA-DIR/hub: the guest goes there first, under the official image's name.
      const hub = new DirHub(join(dataDir, 'hub'));
      const packed = await packDir((guest as Exclude<typeof guest, string | undefined>).rootDir, hub);
      await hub.putFlist(localImageName, Buffer.from(serializeFlist(packed.meta)));

      const sim = await cli('apply', file, '--seed', '1', '--workloads', '--json');
      t.is(sim.code, 0, sim.stderr);
      const watch = watchForNetworkResource('10.70.2.1');
      const host = await cli('apply', file, '--backend', 'host', '--host-network', 'netns', '--data-dir', dataDir, '--nodes', '2', '--seed', '1', '--workloads', '--json');
      t.is(host.code, 0, host.stderr);
      t.true(await watch.stop(), 'while it ran, a network resource namespace held the subnet .1 with a WireGuard interface (the network was real)');
      const simReport = JSON.parse(sim.stdout) as Report;
      const hostReport = JSON.parse(host.stdout) as Report;

      t.deepEqual(hostReport.ops, simReport.ops);
      t.deepEqual(hostReport.workloads, simReport.workloads);
      t.deepEqual(simReport.workloads.flatMap((d) => d.workloads.map((w) => `${w.name} ${w.type} ${w.state}`)), ['net network ok', 'disk zmount ok', 'vm zmachine ok']);
      // It was a real VM (qemu), not a container: the machine log says how it started.
      const logs = findFiles(dataDir, '-vm.log');
      t.true(logs.some((f) => /\] start \(vm, /.test(readFileSync(f, 'utf8'))), `a VM start in ${logs.join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(qemuProcesses(dir), [], 'no qemu of this run remains');
    t.false(existsSync(dir));
  });
}

test('--host-network is checked: only with --backend host, and loopback or netns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'apply-host-network-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ops.json');
  writeFileSync(file, JSON.stringify(ops));
  chmodSync(dir, 0o755); // readable by the unprivileged run below
  const onSim = await cli('apply', file, '--host-network', 'netns', '--seed', '1');
  t.is(onSim.code, 2);
  t.regex(onSim.stderr, /field --host-network: only applies to --backend host/);
  const bad = await cli('apply', file, '--backend', 'host', '--data-dir', join(dir, 'data'), '--host-network', 'vlan', '--seed', '1');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /field --host-network: must be one of loopback, netns/);
  if (process.getuid?.() !== 0) return;
  // As another user than root: said at once, naming the flag and why.
  const child = spawn(process.execPath, [builtBinary(), 'apply', file, '--backend', 'host', '--host-network', 'netns', '--data-dir', join(dir, 'data')], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  t.is(await new Promise<number | null>((resolve) => child.once('exit', resolve)), 2, stderr);
  t.regex(stderr, /field --host-network: netns is not possible here: network namespaces need root/);
});
