// zdb through the port follows 0-db v2.0's rules the same on every backend: 8-byte little-endian
// seq ids (libzdb/index.h seqid_t), an update by id using up the next id (libzdb/index_set.c), a
// deleted id that cannot be updated, HISTORY that skips deletion markers and refuses a deleted key,
// and the key (255 bytes) and payload (8 MiB) limits with 0-db's texts.
import type { ExecutionContext } from 'ava';
import { ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { behaviour, deploy, doc, GiB, MiB, refusal, zdbData, type BackendUnderTest } from './backends.js';

async function seqNamespaceOn(t: ExecutionContext, b: BackendUnderTest, node: number): Promise<string> {
  const { contractId, workloads } = await deploy(b, node, doc(50, [{ name: 'db', type: 'zdb', data: zdbData(GiB, 'seq') }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  return `50-${contractId}-db`;
}

/** The port's form of a seq id: 8 little-endian bytes as latin1. */
function id(n: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(n));
  return bytes.toString('latin1');
}

behaviour('zdb seq: ids are 8-byte little-endian, an update by id uses up the next id', async (t, b) => {
  const ns = await seqNamespaceOn(t, b, 2);
  const zdb = b.backend;
  t.is(await zdb.zdbSet(ns, '', { sizeBytes: 10, tag: 'a' }), id(0));
  t.is(await zdb.zdbSet(ns, '', { sizeBytes: 10, tag: 'b' }), id(1));
  t.is((await zdb.zdbSet(ns, id(0), { sizeBytes: 10, tag: 'a2' }))?.length, 8);
  t.deepEqual(await zdb.zdbGet(ns, id(0)), { sizeBytes: 10, tag: 'a2' });
  // Id 2 went to the update's index slot: the next new value gets 3.
  t.is(await zdb.zdbSet(ns, '', { sizeBytes: 10, tag: 'c' }), id(3));
  t.is(await zdb.zdbGet(ns, id(2)), null);
  t.like(await refusal(t, zdb.zdbSet(ns, id(9), { sizeBytes: 1 })), { zdbCode: ZdbErrorCode.onlyUpdate });
});

behaviour('zdb seq: a deleted id cannot be updated', async (t, b) => {
  const ns = await seqNamespaceOn(t, b, 2);
  const first = (await b.backend.zdbSet(ns, '', { sizeBytes: 10, tag: 'a' }))!;
  await b.backend.zdbDel(ns, first);
  t.is(await b.backend.zdbGet(ns, first), null);
  const refused = await refusal(t, b.backend.zdbSet(ns, first, { sizeBytes: 10, tag: 'again' }));
  t.like(refused, { zdbCode: ZdbErrorCode.onlyUpdate });
  t.regex(refused.message, /Invalid key, only update authorized/);
});

behaviour('zdb: HISTORY skips deletion markers and refuses a deleted key', async (t, b) => {
  const ns = await userNamespace(t, b);
  const zdb = b.backend;
  await zdb.zdbSet(ns, 'k', { sizeBytes: 10, tag: 'one' });
  await zdb.zdbDel(ns, 'k');
  await zdb.zdbSet(ns, 'k', { sizeBytes: 10, tag: 'two' });
  t.deepEqual((await zdb.zdbHistory(ns, 'k')).map((h) => h.value), [{ sizeBytes: 10, tag: 'two' }, { sizeBytes: 10, tag: 'one' }]);
  await zdb.zdbDel(ns, 'k');
  t.like(await refusal(t, zdb.zdbHistory(ns, 'k')), { zdbCode: ZdbErrorCode.keyNotFound });
  t.like(await refusal(t, zdb.zdbHistory(ns, 'never')), { zdbCode: ZdbErrorCode.keyNotFound });
});

behaviour('zdb: keys above 255 bytes: SET says Key too large, DEL says Invalid key; 255 bytes is fine', async (t, b) => {
  const ns = await userNamespace(t, b);
  t.is(await b.backend.zdbSet(ns, 'k'.repeat(255), { sizeBytes: 1, tag: 'x' }), 'k'.repeat(255));
  t.like(await refusal(t, b.backend.zdbSet(ns, 'k'.repeat(256), { sizeBytes: 1 })), { zdbCode: ZdbErrorCode.keyTooLarge });
  t.like(await refusal(t, b.backend.zdbDel(ns, 'k'.repeat(256))), { zdbCode: ZdbErrorCode.invalidKey });
});

behaviour('zdb: a payload of 8 MiB is stored, one byte more is refused', async (t, b) => {
  const ns = await userNamespace(t, b);
  t.is(await b.backend.zdbSet(ns, 'big', { sizeBytes: 8 * MiB }), 'big');
  const refused = await refusal(t, b.backend.zdbSet(ns, 'bigger', { sizeBytes: 8 * MiB + 1 }));
  t.like(refused, { zdbCode: ZdbErrorCode.payloadTooLarge });
  t.regex(refused.message, /^Payload too big/);
  t.is(await b.backend.zdbGet(ns, 'bigger'), null, 'nothing was written, and the session still answers');
});

/** A user-mode namespace on node 2 (named so cases read alike). */
async function userNamespace(t: ExecutionContext, b: BackendUnderTest): Promise<string> {
  const { contractId, workloads } = await deploy(b, 2, doc(50, [{ name: 'db', type: 'zdb', data: zdbData(GiB) }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  return `50-${contractId}-db`;
}
