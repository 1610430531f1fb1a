// stateHash on every backend: the same operations on two fresh grids give the same digest; a change
// anyone could observe (a value, a node's power, a deletion) gives another.
import test from 'ava';
import { backendNames, deploy, doc, GiB, MiB, withBackend, zdbData, type BackendUnderTest } from './backends.js';

async function scenario(b: BackendUnderTest, extra?: (b: BackendUnderTest, ns: string) => Promise<void>): Promise<string> {
  const { contractId } = await deploy(b, 2, doc(50, [{ name: 'db', type: 'zdb', data: zdbData(GiB) }, { name: 'disk', type: 'zmount', data: { size: MiB } }]));
  const ns = `50-${contractId}-db`;
  await b.backend.zdbSet(ns, 'a', { sizeBytes: 100, tag: 'x' });
  await b.backend.zdbSet(ns, 'b', { sizeBytes: 10 });
  await extra?.(b, ns);
  return b.backend.stateHash();
}

for (const name of backendNames) {
  test(`${name} › stateHash: equal runs → equal digests; an observable change → another`, async (t) => {
    const first = await withBackend(name, t, (_t, b) => scenario(b));
    const second = await withBackend(name, t, (_t, b) => scenario(b));
    t.regex(first, /^[0-9a-f]{64}$/);
    t.is(first, second);
    const changedValue = await withBackend(name, t, (_t, b) => scenario(b, async (bb, ns) => void (await bb.backend.zdbSet(ns, 'a', { sizeBytes: 100, tag: 'y' }))));
    const nodeOff = await withBackend(name, t, (_t, b) => scenario(b, (bb) => bb.faults.powerOff(4)));
    t.not(changedValue, first);
    t.not(nodeOff, first);
    t.not(nodeOff, changedValue);
  });
}
