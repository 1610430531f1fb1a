// CoreX on a real host zmachine: start a command inside the machine (its env, root and namespaces),
// list it beside the entrypoint, kill it; killing the entrypoint crashes the machine.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { operationError } from '../../workers/errors.js';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/minimal-root.js';
import { waitUntil } from '../helpers/wait.js';

for (const isolation of ['auto', 'plain'] as const) {
  test(`${isolation}: exec runs inside the machine, ps lists it, kill removes it, killing the entrypoint crashes it`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'zos-zmachine-corex-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const rootDir = join(dir, 'root');
    buildMinimalRoot(rootDir, ['/bin/sh', '/bin/sleep']);
    writeFileSync(join(rootDir, 'main.sh'), '#!/bin/sh\necho main-up\nexec /bin/sleep 1000\n');
    chmodSync(join(rootDir, 'main.sh'), 0o755);
    const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 30, stopGraceS: 0.2, isolation });
    t.teardown(() => host.close());
    const status = await host.deploy({ workloadId: `cx_${isolation}`, rootDir, entrypoint: '/main.sh', env: { WHO: 'corex' } });
    const id = status.workloadId;
    const log = (): string => readFileSync(status.logPath, 'utf8');
    await waitUntil('main up', log, { until: (text) => text.includes('main-up') });

    const pid = await host.exec(id, 'echo "hello-$WHO pid=$$"; if [ -d /usr/share ]; then echo sees-host; else echo sees-root; fi; exec /bin/sleep 1000');
    // Both lines: under load the second may land after the first is read.
    await waitUntil('corex output', log, { until: (text) => text.includes('hello-corex') && /sees-(root|host)/.test(text) });
    const listed = host.ps(id);
    t.deepEqual(listed.map((p) => p.command), ['/main.sh', 'echo "hello-$WHO pid=$$"; if [ -d /usr/share ]; then echo sees-host; else echo sees-root; fi; exec /bin/sleep 1000']);
    t.is(listed[0]!.pid, status.pid!);
    t.is(listed[1]!.pid, pid);
    if (status.isolation === 'namespaces+chroot') {
      t.regex(log(), /sees-root/, 'the command runs chrooted in the machine root');
      t.regex(log(), /hello-corex pid=\d\n/, 'and in the machine pid namespace (a small pid)');
    } else {
      t.regex(log(), /sees-host/);
    }

    await host.kill(id, pid);
    t.deepEqual(host.ps(id).map((p) => p.pid), [status.pid]);
    const unknown = await t.throwsAsync(host.kill(id, pid));
    t.regex(unknown.message, new RegExp(`corex: no process ${pid}`));

    await host.kill(id, status.pid!);
    await waitUntil('the crash', () => host.status(id), { until: (s) => s.state === 'down' });
    t.is(host.status(id).crashes, 1);
    const unreachable = await t.throwsAsync(host.exec(id, 'true'));
    t.is(operationError(unreachable)?.code, 'E_NOT_READY', 'a machine that is down cannot serve corex: retry later');
    t.throws(() => host.ps(id), { message: /corex unreachable: machine is down/ });
  });
}
