// CoreX through the Z-Net (issue 17): a zmachine in a real Z-Net on the netns host backend answers
// corex's API and web terminal at its Z-Net address, port 7681, as in zos. The backend's corex.start
// and corex.list go there through the Z-Net; a second machine on another node (its own namespace in the
// same Z-Net, reached through WireGuard) lists the process over HTTP, and headless Chromium seated in
// that machine's namespace loads the terminal page, sees the output and types into a shell.
// Skipped with a reason when not root, without wireguard-go, or (the browser part) without chromium.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { networkWorkloads, planZNet } from '../../../sim/network/znet/index.js';
import { corexSocketDir } from '../../../workers/host/corex/endpoints.js';
import { HostBackend } from '../../../workers/host-backend/index.js';
import { deploymentOf, httpBodyWithin, machineNamespaceOf, publishRoot, runLeftovers, zmachineIn, znetSkipReason } from '../../helpers/znet.js';
import { waitUntil } from '../../helpers/wait.js';
import { hasChromium, launchChromium, screen } from './chromium.js';

const twin = 11;
const skip = znetSkipReason() ?? (hasChromium() ? undefined : 'needs /usr/bin/chromium (apt-get install chromium)');

/** A zmachine in Z-Net `cxn` at `ip`, with WHO in its environment. */
function machine(name: string, flist: string, ip: string): { name: string; type: string; data: unknown } {
  const base = zmachineIn('cxn', name, flist, ip, '/bin/sleep 1000') as { name: string; type: string; data: { env: Record<string, string> } };
  return { ...base, data: { ...base.data, env: { WHO: 'znet' } } };
}

if (skip !== undefined) {
  test('CoreX through the Z-Net', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('CoreX answers at the machine Z-Net address: the API starts and lists a process, Chromium in the Z-Net shows its output and types into a shell', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'corex-znet-'));
    const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 2, farms: [1, 1], network: 'netns' });
    const run = backend.netns!.grid.names.run;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    const startedMs = Date.now();
    const phase = (what: string) => t.log(`${what}: ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
    try {
      const flist = await publishRoot(backend, dir, 'corex-znet', ['/bin/sh', '/bin/sleep', '/bin/cat']);
      const net = planZNet({ name: 'cxn', ip_range: '10.61.0.0/16', nodes: [0, 1].map((node) => ({ node, wireguard_listen_port: 7700 + node })) }, { isPublic: () => true });
      const docs = networkWorkloads(net);
      const nw = (node: number) => ({ name: 'cxn', type: 'network', data: docs.get(node)! });
      // Subnets in node order from x.y.2.0: node 0 10.61.2.0/24 (farm 0), node 1 10.61.3.0/24 (farm 1).
      const box = await backend.createDeployment(0, deploymentOf(twin, [nw(0), machine('box', flist, '10.61.2.5')]));
      const desk = await backend.createDeployment(1, deploymentOf(twin, [nw(1), machine('desk', flist, '10.61.3.5')]));
      for (const { contractId } of [box, desk]) t.true((await backend.settled(contractId, 120)).every((w) => w.state === 'ok'));
      const boxId = `${twin}-${box.contractId}-box`;
      phase('backend open and both deployments ok');

      // The backend's CoreX calls: they reach 10.61.2.5:7681 from the node's network resource.
      const pid = await backend.corexStart(boxId, 'echo "corex-over-znet to $WHO"; exec /bin/sleep 1000');
      t.true((await backend.corexList(boxId)).some((p) => p.pid === pid && p.command.startsWith('echo "corex-over-znet')));
      const boxNs = await machineNamespaceOf(run, '10.61.2.5');
      t.true(existsSync(join(corexSocketDir, `${boxNs.name}.sock`)), 'the CoreX server behind the machine namespace relay');

      // From the other node's machine, through WireGuard: corex's own JSON lists the process.
      const deskNs = await machineNamespaceOf(run, '10.61.3.5');
      const listed = await httpBodyWithin(deskNs, 'http://10.61.2.5:7681/api/processes', 30_000);
      const processes = (JSON.parse(listed ?? '{"processes":[]}') as { processes: { pid: number; id: number; state: string }[] }).processes;
      const printer = processes.find((p) => p.pid === pid);
      t.like(printer, { state: 'running' }, listed);
      phase('API through the Z-Net, listed from the other node');

      // Chromium seated in the desk machine's namespace: the terminal page over the Z-Net.
      browser = await launchChromium({ name: deskNs.name, dir });
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      await page.goto(`http://10.61.2.5:7681/attach/${printer!.id}`);
      t.regex(await waitUntil('the replayed output', () => screen(page), { until: (text) => text.includes('corex-over-znet') }), /corex-over-znet to znet/);

      const shellPid = await backend.corexStart(boxId, 'exec /bin/sh');
      const shell = await waitUntil('the shell listed', async () => (JSON.parse((await httpBodyWithin(deskNs, 'http://10.61.2.5:7681/api/processes', 10_000)) ?? '{"processes":[]}') as { processes: { pid: number; id: number }[] }).processes.find((p) => p.pid === shellPid), { until: (p) => p !== undefined });
      await page.goto(`http://10.61.2.5:7681/attach/${shell!.id}`);
      await page.waitForSelector('body[data-state="open"]');
      await page.locator('.xterm').click();
      await page.keyboard.type('echo hi; echo "from $WHO"');
      await page.keyboard.press('Enter');
      const text = await waitUntil('the shell answered', () => screen(page), { until: (s) => /^hi$/m.test(s) && /^from znet$/m.test(s) });
      t.regex(text, /echo hi; echo "from \$WHO"/, 'the typed line is echoed by the TTY');
      phase('terminal page: replayed output, typed input answered');
      const shot = join(process.env['COREX_SHOT'] ?? dir, 'corex-znet-terminal.png');
      await page.screenshot({ path: shot });
      t.true(statSync(shot).size > 1000);
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await page.waitForSelector('body[data-state="closed"]');
      t.false((await backend.corexList(boxId)).some((p) => p.pid === shellPid), 'the shell left; corex no longer lists it');
    } finally {
      await browser?.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(runLeftovers(run), [], 'no namespace, wireguard-go process or socket of the run remains');
    const sockets = existsSync(corexSocketDir) ? readdirSync(corexSocketDir).filter((s) => s.startsWith(`zn${run}-`)) : [];
    t.deepEqual(sockets, [], 'no CoreX socket of the run remains');
  });
}
