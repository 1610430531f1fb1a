// The real 0-db server against the simulator's namespace model (sim/storage/zdb/namespace.ts):
// random command sequences (fast-check) must get the same answers and refusals from both.
// Leaves out seq mode, passwords and SCAN, which have example tests in zdb-commands.test.ts.

import anyTest, { type TestFn } from 'ava';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { Namespace, type NsSetProperty } from '../../sim/storage/zdb/namespace.js';
import { client, removeDataDir, reply, startZdb, type ZdbProcess } from '../helpers/zdb-server.js';

const test = anyTest as TestFn<{ zdb: ZdbProcess; redis: Redis }>;
const seed = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 60);

test.before(async (t) => {
  t.context.zdb = await startZdb();
  t.context.redis = client(t.context.zdb.port);
});
test.after.always(async (t) => {
  t.context.redis?.disconnect();
  const zdb = t.context.zdb as ZdbProcess | undefined;
  if (zdb === undefined) return;
  await zdb.stop();
  removeDataDir(zdb.dataDir);
});

type Op =
  | { op: 'set'; key: string; value: string }
  | { op: 'get' | 'del' | 'exists' | 'history'; key: string }
  | { op: 'nsset'; property: NsSetProperty; value: string }
  | { op: 'dbsize' };

// Few keys and values, so overwrites, identical SETs and deletes of live keys are common.
const key = fc.constantFrom('a', 'b', 'c', 'k'.repeat(255), 'k'.repeat(256), '');
const value = fc.constantFrom('', 'x', 'yy', 'zzzz', 'v'.repeat(40));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'del' as const, 'exists' as const, 'history' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ op: fc.constant('nsset' as const), property: fc.constantFrom<NsSetProperty>('lock', 'freeze', 'worm'), value: fc.constantFrom('0', '0', '1') }),
      fc.record({ op: fc.constant('nsset' as const), property: fc.constant<NsSetProperty>('maxsize'), value: fc.constantFrom('0', '10', '50', '100') }),
    ),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'dbsize' as const }) },
);

/** The simulator's answer, in the shape a RESP client sees. */
function simulate(ns: Namespace, o: Op, nowS: number): unknown {
  const place = (): number => 0;
  try {
    switch (o.op) {
      case 'set':
        return ns.set(o.key, { sizeBytes: Buffer.byteLength(o.value), tag: o.value }, nowS, place);
      case 'get':
        if (o.key === '') return { error: 'Invalid argument' };
        // zdbd/commands_get.c and commands_dataset.c: readers say "Invalid key", not SET's "Key too large".
        if (Buffer.byteLength(o.key) > 255) return { error: 'Invalid key' };
        return ns.get(o.key)?.value?.tag ?? null;
      case 'exists':
        if (o.key === '') return { error: 'Invalid argument' };
        // zdbd/commands_get.c and commands_dataset.c: readers say "Invalid key", not SET's "Key too large".
        if (Buffer.byteLength(o.key) > 255) return { error: 'Invalid key' };
        return ns.exists(o.key) ? 1 : 0;
      case 'del':
        if (o.key === '') return { error: 'Invalid argument' };
        try {
          ns.del(o.key, nowS, place);
        } catch (error) {
          // The simulator says SET's words; zdbd/commands_dataset.c (command_del) has its own two.
          if (error instanceof ZdbError && error.zdbCode === ZdbErrorCode.keyTooLarge) return { error: 'Invalid key' };
          if (error instanceof ZdbError && error.zdbCode === ZdbErrorCode.worm) return { error: 'Cannot delete a key when namespace is in worm mode' };
          throw error;
        }
        return 'OK';
      case 'history': {
        // The real HISTORY walks live versions newest first; the model lists markers too.
        const versions = ns.history(o.key);
        if (versions[0]?.value == null) return { error: 'Key not found' };
        return versions.filter((v) => v.value !== null).map((v) => v.value!.tag);
      }
      case 'nsset':
        // 0-db keeps lock and freeze in one field (commands_namespace.c): setting one clears the other.
        if (o.property === 'lock') ns.nsset('freeze', '0');
        if (o.property === 'freeze') ns.nsset('lock', '0');
        ns.nsset(o.property, o.value);
        return 'OK';
      case 'dbsize':
        return ns.dbsize;
    }
  } catch (error) {
    if (error instanceof ZdbError) return { error: error.reply };
    throw error;
  }
}

/** The real server's answer; HISTORY is walked to its end so the whole chain is compared. */
async function perform(redis: Redis, name: string, o: Op): Promise<unknown> {
  switch (o.op) {
    case 'set':
      return reply(redis, 'SET', o.key, o.value);
    case 'get':
    case 'exists':
    case 'del':
      return reply(redis, o.op.toUpperCase(), o.key);
    case 'history': {
      const first = await reply(redis, 'HISTORY', o.key);
      if (!Array.isArray(first)) return first;
      const payloads = [first[2]];
      // The cursor is 0-db's binary index_ekey_t: read and sent back as bytes.
      let cursor = ((await redis.callBuffer('HISTORY', o.key)) as [Buffer | null])[0];
      while (cursor !== null) {
        const step = (await redis.callBuffer('HISTORY', o.key, cursor)) as [Buffer | null, Buffer, Buffer];
        payloads.push(step[2].toString());
        cursor = step[0];
      }
      return payloads;
    }
    case 'nsset':
      return reply(redis, 'NSSET', name, o.property, o.value);
    case 'dbsize':
      return reply(redis, 'DBSIZE');
  }
}

let run = 0;
test('random command sequences get the same replies from the real server and the simulator model', async (t) => {
  t.log(`fast-check seed=${seed} numRuns=${numRuns} (replay: FC_SEED=${seed})`);
  const { redis } = t.context;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
      const name = `diff-${run++}`;
      await redis.call('NSNEW', name);
      await redis.call('SELECT', name);
      const model = new Namespace(name);
      for (const [i, o] of ops.entries()) {
        const expected = simulate(model, o, 0);
        const actual = await perform(redis, name, o);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          throw new Error(`step ${i} ${JSON.stringify(o)}: server ${JSON.stringify(actual)}, model ${JSON.stringify(expected)}`);
        }
      }
      await redis.call('SELECT', 'default');
      await redis.call('NSDEL', name);
    }),
    { seed, numRuns },
  );
  t.pass();
});
