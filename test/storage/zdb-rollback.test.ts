// Rolling a key back through its history, the way a 0-db client does: the old version is appended
// again, so history only grows, and worm namespaces refuse it like any overwrite.
import test from 'ava';
import { makeServer, must, settle } from '../helpers/zdb.js';

test('rollback re-appends an earlier version; history keeps everything', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', { sizeBytes: 10, tag: 'v1' }));
  must(sim, s.set('k', { sizeBytes: 20, tag: 'v2' }));
  must(sim, s.set('k', { sizeBytes: 30, tag: 'v3' }));
  t.deepEqual(must(sim, s.rollback('k', 2)), { sizeBytes: 10, tag: 'v1' });
  t.deepEqual(must(sim, s.get('k')), { sizeBytes: 10, tag: 'v1' });
  t.deepEqual(must(sim, s.history('k')).map((h) => h.value?.tag), ['v1', 'v3', 'v2', 'v1']);
});

test('rolling back skips deletions (HISTORY does not list them); too far back is refused', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', { sizeBytes: 1, tag: 'a' }));
  must(sim, s.del('k'));
  must(sim, s.set('k', { sizeBytes: 2, tag: 'b' }));
  t.deepEqual(must(sim, s.rollback('k')), { sizeBytes: 1, tag: 'a' });
  t.deepEqual(must(sim, s.get('k')), { sizeBytes: 1, tag: 'a' });
  const tooFar = settle(sim, s.rollback('k', 9));
  t.false(tooFar.ok);
});

test('a worm namespace refuses rollback like any overwrite', (t) => {
  const { sim, server } = makeServer();
  server.nsnew('ns');
  const s = server.select('ns');
  must(sim, s.set('k', { sizeBytes: 1, tag: 'a' }));
  must(sim, s.set('k', { sizeBytes: 2, tag: 'b' }));
  server.nsset('ns', 'worm', '1');
  const refused = settle(sim, s.rollback('k'));
  t.false(refused.ok);
  t.regex(String((refused as { error?: unknown }).error), /worm/);
  t.deepEqual(must(sim, s.get('k')), { sizeBytes: 2, tag: 'b' });
});
