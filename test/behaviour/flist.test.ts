// flists through the port, the same on every backend: a second fetch on the same node costs the hub
// nothing; while the hub is down a fetch fails (zos mounts need the hub, cached or not) and is
// retryable; once it is back the cached flist fetches 0 bytes again and a new one downloads.
import { operationError } from '../../workers/errors.js';
import { behaviour } from './backends.js';

behaviour('flist: fetch twice → the second fetches 0 bytes; another node fetches again', async (t, b) => {
  const url = await b.publishFlist('alpine');
  const first = await b.backend.flistFetch(0, url);
  t.true(first.fetchedBytes > 0, `first fetch ${first.fetchedBytes} bytes`);
  t.deepEqual(await b.backend.flistFetch(0, url), { fetchedBytes: 0 });
  t.is((await b.backend.flistFetch(1, url)).fetchedBytes, first.fetchedBytes, 'each node has its own cache');
});

behaviour('flist: hub down → fetches fail retryably; hub up → cached costs 0, uncached downloads', async (t, b) => {
  const cached = await b.publishFlist('cached');
  const fresh = await b.publishFlist('fresh');
  await b.backend.flistFetch(0, cached);
  await b.faults.setHub(false);
  for (const url of [cached, fresh]) {
    const down = await t.throwsAsync(b.backend.flistFetch(0, url));
    t.like(operationError(down), { retryable: true });
    t.regex(down.message, /unreachable/);
  }
  await b.faults.setHub(true);
  t.deepEqual(await b.backend.flistFetch(0, cached), { fetchedBytes: 0 });
  t.true((await b.backend.flistFetch(0, fresh)).fetchedBytes > 0);
});

behaviour('flist: a node that is off → E_NODE_DOWN', async (t, b) => {
  const url = await b.publishFlist('alpine');
  await b.faults.powerOff(0);
  t.like(operationError(await t.throwsAsync(b.backend.flistFetch(0, url))), { code: 'E_NODE_DOWN', retryable: true });
});
