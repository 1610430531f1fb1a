// A host backend whose hub runs elsewhere (`--hub URL`): nodes fetch flists from that hub's URL, and
// hub faults are refused, since this backend cannot take another process's hub down.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubServer, packDir, serializeFlist } from '../../workers/host/flist/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { operationError } from '../../workers/errors.js';

test('hub by URL: flists come from it; setHub is refused as not supported; a bad hub option names the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-host-hub-'));
  const hub = new HubServer({ dir: join(dir, 'hub'), port: 0 });
  await hub.listen();
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'data.bin'), Buffer.alloc(200 * 1024, 7));
  await hub.hub.putFlist('app', Buffer.from(serializeFlist((await packDir(tree, hub.hub)).meta)));
  const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 1, hub: hub.url.replace(/\/$/, '') });
  try {
    t.is(backend.hubServer, undefined);
    t.is(backend.flistUrl('app'), `${hub.url}flists/app`);
    t.true((await backend.flistFetch(0, backend.flistUrl('app'))).fetchedBytes > 0);
    t.true(hub.stats.blockGets > 0, 'the blocks came from the external hub');
    t.like(operationError(await t.throwsAsync(backend.faults.setHub(false))), { code: 'E_NOT_SUPPORTED', retryable: false });
    await t.throwsAsync(HostBackend.open({ dataDir: join(dir, 'other'), hub: 'ftp://example.org/' }), { message: /field hub: must be a directory or an http\(s\) URL/ });
  } finally {
    await backend.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
