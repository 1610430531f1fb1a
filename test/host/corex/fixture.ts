// A real host zmachine with its CoreX server on a loopback address: a minimal root with /bin/sh and a
// few tools, an entrypoint that sleeps, and teardown that stops every process it started.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { CorexClient } from '../../../workers/host/corex/client.js';
import { CorexEndpoints } from '../../../workers/host/corex/endpoints.js';
import { HostZmachine } from '../../../workers/host/zmachine/host-zmachine.js';
import { buildMinimalRoot } from '../../../workers/host/zmachine/minimal-root.js';
import { waitUntil } from '../../helpers/wait.js';

export interface CorexFixture {
  readonly client: CorexClient;
  readonly host: HostZmachine;
  readonly workloadId: string;
  readonly mainPid: number;
  readonly dir: string;
}

export async function corexMachine(t: ExecutionContext, name: string): Promise<CorexFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'zos-corex-'));
  const rootDir = join(dir, 'root');
  buildMinimalRoot(rootDir, ['/bin/sh', '/bin/sleep', '/bin/cat']);
  writeFileSync(join(rootDir, 'main.sh'), '#!/bin/sh\necho main-up\nexec /bin/sleep 1000\n');
  chmodSync(join(rootDir, 'main.sh'), 0o755);
  const host = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 30, stopGraceS: 0.2 });
  const endpoints = new CorexEndpoints();
  t.teardown(async () => {
    await endpoints.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const status = await host.deploy({ workloadId: name, rootDir, entrypoint: '/main.sh', env: { WHO: 'corex' } });
  await waitUntil('main up', () => readFileSync(status.logPath, 'utf8'), { until: (text) => text.includes('main-up') });
  const client = await endpoints.client(name, host);
  return { client, host, workloadId: name, mainPid: status.pid!, dir };
}
