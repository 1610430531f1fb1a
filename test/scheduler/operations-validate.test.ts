// Validation of untrusted operation JSON: one valid example per kind, and every refusal names the
// source and the field (unknown kind, unknown field, bad values, bad deployment documents, list index).
import test from 'ava';
import { validateOperation, validateOperationList } from '../../scheduler/operations/validate.js';
import { InputError } from '../../workers/errors.js';
import { operationKinds, type Operation } from '../../workers/operations.js';
import { fixedExample } from '../helpers/world.js';

const ns = '50-3-db';
const vm = '49-1-testzmachine';

/** One valid operation of every kind. */
const examples: Record<Operation['kind'], Record<string, unknown>> = {
  'deployment.create': { kind: 'deployment.create', node: 0, deployment: fixedExample(), id: 'a', idempotencyKey: 'x@0', delayS: 1.5, priority: 2, attempts: 3 },
  'deployment.update': { kind: 'deployment.update', contractId: 1, deployment: { ...fixedExample(), version: 1 } },
  'deployment.delete': { kind: 'deployment.delete', contractId: 1 },
  'deployment.pause': { kind: 'deployment.pause', contractId: 1 },
  'deployment.resume': { kind: 'deployment.resume', contractId: 1 },
  'zdb.set': { kind: 'zdb.set', namespace: ns, key: 'k', sizeBytes: 10, tag: 't' },
  'zdb.get': { kind: 'zdb.get', namespace: ns, key: 'k' },
  'zdb.del': { kind: 'zdb.del', namespace: ns, key: 'k' },
  'zdb.history': { kind: 'zdb.history', namespace: ns, key: 'k' },
  'zstor.store': { kind: 'zstor.store', qsfs: '60-9-qs', path: '/a', sizeBytes: 1 },
  'zstor.retrieve': { kind: 'zstor.retrieve', qsfs: '60-9-qs', path: '/a' },
  'zstor.check': { kind: 'zstor.check', qsfs: '60-9-qs', path: '/a' },
  'zmachine.start': { kind: 'zmachine.start', workloadId: vm },
  'zmachine.stop': { kind: 'zmachine.stop', workloadId: vm },
  'corex.list': { kind: 'corex.list', workloadId: vm },
  'corex.start': { kind: 'corex.start', workloadId: vm, command: 'sleep 1' },
  'corex.kill': { kind: 'corex.kill', workloadId: vm, pid: 2 },
  'flist.fetch': { kind: 'flist.fetch', node: 3, url: 'https://hub.grid.tf/a.flist' },
  'node.powerOff': { kind: 'node.powerOff', node: 1 },
  'node.powerOn': { kind: 'node.powerOn', node: 1 },
  'node.crash': { kind: 'node.crash', node: 1 },
  'node.repair': { kind: 'node.repair', node: 1 },
  'disk.fail': { kind: 'disk.fail', node: 1, device: 'hdd', index: 0 },
  'hub.down': { kind: 'hub.down' },
  'hub.up': { kind: 'hub.up' },
  'link.cut': { kind: 'link.cut', a: 4, b: 7 },
  'link.heal': { kind: 'link.heal', a: 4, b: 7 },
  'znet.reapply': { kind: 'znet.reapply', network: 'net1' },
  'gateway.request': { kind: 'gateway.request', host: 'app.gw5.grid.test' },
};

function refusal(raw: unknown, where = 'job 7'): InputError {
  const error = (() => {
    try {
      validateOperation(raw, where);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  if (!(error instanceof InputError)) throw new Error(`expected an InputError for ${JSON.stringify(raw)}`);
  return error;
}

for (const kind of operationKinds) {
  test(`a valid ${kind} passes unchanged`, (t) => {
    const raw = JSON.parse(JSON.stringify(examples[kind])) as Record<string, unknown>;
    t.deepEqual(validateOperation(raw, 'job 1'), raw as unknown as Operation);
  });
}

test('each bad field is named with the source', (t) => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ kind: 'deployment.delete', contractId: 0 }, 'contractId', /whole number ≥ 1, got number 0/],
    [{ kind: 'deployment.delete', contractId: '3' }, 'contractId', /got the string "3"/],
    [{ kind: 'deployment.delete' }, 'contractId', /got undefined/],
    [{ kind: 'deployment.create', node: -1, deployment: fixedExample() }, 'node', /≥ 0/],
    [{ kind: 'zdb.get', namespace: 'db', key: 'k' }, 'namespace', /workload id/],
    [{ kind: 'zdb.get', namespace: ns, key: '' }, 'key', /must not be empty/],
    [{ kind: 'zdb.set', namespace: ns, key: 'k' }, 'sizeBytes', /whole number ≥ 0/],
    [{ kind: 'zdb.set', namespace: ns, key: 'k', sizeBytes: 1, tag: 5 }, 'tag', /must be a string/],
    [{ kind: 'zstor.store', qsfs: '60-9-qs', path: '/a', sizeBytes: 0 }, 'sizeBytes', /≥ 1/],
    [{ kind: 'corex.kill', workloadId: vm, pid: 1.5 }, 'pid', /whole number/],
    [{ kind: 'corex.start', workloadId: vm }, 'command', /must be a string/],
    [{ kind: 'flist.fetch', node: 1 }, 'url', /must be a string/],
    [{ kind: 'disk.fail', node: 1, device: 'nvme', index: 0 }, 'device', /one of 'ssd', 'hdd'/],
    [{ kind: 'hub.up', delayS: -1 }, 'delayS', /number ≥ 0/],
    [{ kind: 'hub.up', attempts: 0 }, 'attempts', /≥ 1/],
    [{ kind: 'hub.up', id: 3 }, 'id', /must be a string/],
  ];
  for (const [raw, field, problem] of cases) {
    const error = refusal(raw);
    t.is(error.field, field, JSON.stringify(raw));
    t.is(error.where, 'job 7');
    t.is(error.code, 'E_BAD_INPUT');
    t.regex(error.message, new RegExp(`^job 7: field ${field.replace('.', '\\.')}: `));
    t.regex(error.message, problem);
  }
});

test('an unknown kind lists the valid kinds', (t) => {
  const error = refusal({ kind: 'deployment.explode' });
  t.is(error.field, 'kind');
  for (const kind of operationKinds) t.true(error.message.includes(kind), kind);
  t.is(refusal({ contractId: 1 }).field, 'kind');
  t.regex(refusal('hub.up').message, /must be a JSON object, got the string/);
});

test('an unknown field is refused by name, also a field that belongs to another kind', (t) => {
  t.is(refusal({ kind: 'hub.up', colour: 'red' }).field, 'colour');
  const error = refusal({ kind: 'zdb.get', namespace: ns, key: 'k', sizeBytes: 3 });
  t.is(error.field, 'sizeBytes');
  t.regex(error.message, /unknown field for zdb\.get/);
});

test('a bad deployment names each workload and field, all problems at once', (t) => {
  const doc = fixedExample();
  const workloads = doc.workloads.map((w) => {
    if (w.type === 'zmachine') return { ...w, data: { ...(w.data as object), compute_capacity: { cpu: 1, memory: 1 } } };
    if (w.type === 'zmount') return { ...w, data: { size: -1 } };
    return w;
  });
  const error = refusal({ kind: 'deployment.create', node: 0, deployment: { ...doc, twin_id: 'x', workloads } });
  t.is(error.field, 'deployment');
  const zmachineIndex = doc.workloads.findIndex((w) => w.type === 'zmachine');
  const zmountIndex = doc.workloads.findIndex((w) => w.type === 'zmount');
  t.regex(error.message, /twin_id: /);
  t.true(error.message.includes(`workloads[${zmachineIndex}].data.compute_capacity.memory (workload testzmachine): `), error.message);
  t.true(error.message.includes(`workloads[${zmountIndex}].data.size (workload zmountiaia): `), error.message);
  t.regex(refusal({ kind: 'deployment.update', contractId: 1, deployment: 'doc' }).message, /deployment: .*must be a JSON object/);
});

test('a list names the file and the index of the bad operation', (t) => {
  const ops = [examples['hub.down'], examples['deployment.delete'], examples['hub.up'], { kind: 'deployment.delete', contractId: 0 }];
  const error = t.throws(() => validateOperationList(ops, 'ops.json'), { instanceOf: InputError })!;
  t.is(error.message, 'ops.json: field ops[3].contractId: must be a whole number ≥ 1, got number 0');
  t.is(validateOperationList(ops.slice(0, 3), 'ops.json').length, 3);
  t.throws(() => validateOperationList({ ops }, 'ops.json'), { message: /^ops\.json: must be a JSON array of operations/ });
  t.throws(() => validateOperationList([null], 'ops.json'), { message: /^ops\.json: field ops\[0\]: an operation must be a JSON object, got null/ });
});
