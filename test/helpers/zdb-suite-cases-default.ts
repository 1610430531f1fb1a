// 0-db's tests/zdb_default.c and tests/zdb_misc.c, case for case (threefoldtech/0-db v2.0.7).
// Where the C case ignores the reply (the AUTH cases, "*"), ours asserts what 0-db answers a server
// started without --admin, as the suite's run.sh starts it.

import { caseMaker, hashPassword, Suite, SuiteFailure, type SuiteCase } from './zdb-suite.js';
import { RespClient } from './resp-client.js';

const c = caseMaker('zdb_default.c');
const m = caseMaker('zdb_misc.c');
const userOnly = (s: Suite, run: () => Promise<'success' | 'skipped'>) => (s.mode === 'seq' ? Promise.resolve('skipped' as const) : run());
const seqOnly = (s: Suite, run: () => Promise<'success' | 'skipped'>) => (s.mode === 'user' ? Promise.resolve('skipped' as const) : run());
const large = 'x'.repeat(511);

function id(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

async function expectId(got: bigint | 'skipped', n: number): Promise<'success' | 'skipped'> {
  if (got === 'skipped') return 'skipped';
  if (got !== BigInt(n)) throw new SuiteFailure(`expected id ${n}, got ${got}`);
  return 'success';
}

async function overwrite(s: Suite, key: string, original: string, newValue: string): Promise<'success' | 'skipped'> {
  await s.set(key, original);
  await s.set(key, newValue);
  return s.check(key, newValue);
}

export const defaultCases: SuiteCase[] = [
  c(101, 'simple_ping', async (s) => {
    const r = await s.raw('PING');
    if (r?.type !== 'status' || r.str !== 'PONG') throw new SuiteFailure('PING');
    return 'success';
  }),
  c(102, 'ensure_db_empty', async (s) => ((await s.integer('DBSIZE')) === 0 ? 'success' : Promise.reject(new SuiteFailure('database not empty')))),
  c(103, 'check_running_mode', async (s) => {
    const r = await s.raw('NSINFO', 'default');
    const text = r?.type === 'string' ? r.str : '';
    if (text.includes('mode: userkey')) s.mode = 'user';
    if (text.includes('mode: sequential')) s.mode = 'seq';
    return 'success';
  }),
  c(110, 'default_set_hello', (s) => s.set('hello', 'world')),
  c(110, 'default_get_hello', (s) => userOnly(s, () => s.check('hello', 'world'))),
  c(110, 'default_del_hello', (s) => userOnly(s, () => s.command('DEL', 'hello'))),
  c(110, 'default_set_hello_again', (s) => s.set('hello', 'world-new')),
  c(110, 'default_get_hello_new', (s) => userOnly(s, () => s.check('hello', 'world-new'))),
  c(110, 'default_set_deleted', (s) => s.set('deleted', 'yep')),
  c(110, 'default_del_deleted', (s) => userOnly(s, () => s.command('DEL', 'deleted'))),
  c(110, 'default_get_deleted', (s) => userOnly(s, () => s.commandError(['GET', 'deleted']))),
  c(110, 'default_set_hello_seq', async (s) => expectId(await s.setSeq(null, 'world'), 0)),
  c(110, 'default_set_hello_seq_overwrite', async (s) => expectId(await s.setSeq(0n, 'worldnewdata'), 0)),
  // zdb_bcheck compares the first 5 bytes only: id 0 now holds "worldnewdata".
  c(110, 'default_get_hello_seq', (s) => seqOnly(s, () => s.bcheck(id(0), 'world'))),
  c(110, 'default_del_hello_seq', (s) =>
    seqOnly(s, async () => {
      const r = await s.raw('DEL', id(0));
      if (r?.type !== 'status' || r.str !== 'OK') throw new SuiteFailure('DEL of id 0');
      return 'success';
    }),
  ),
  c(110, 'default_set_hello_again_seq', async (s) => expectId(await s.setSeq(null, 'helloworld'), 2)),
  c(110, 'default_get_hello_new_seq', (s) => seqOnly(s, () => s.bcheck(id(2), 'helloworld'))),
  c(110, 'default_unknown_command', (s) => s.commandError(['BIPBIPBIP'], 'Command not supported')),
  c(115, 'simple_overwrite_same_length', (s) => userOnly(s, () => overwrite(s, 'overwrite_normal', 'original', 'newvalue'))),
  c(115, 'simple_overwrite_shorter', (s) => userOnly(s, () => overwrite(s, 'overwrite_shorter', 'original', 'new'))),
  c(115, 'simple_overwrite_longer', (s) => userOnly(s, () => overwrite(s, 'overwrite_longer', 'original', 'newvaluelonger'))),
  c(115, 'simple_overwrite_same_value', (s) =>
    userOnly(s, async () => {
      await s.set('noupdate', 'helloworld');
      const r = await s.raw('SET', 'noupdate', 'helloworld');
      if (r?.type !== 'nil') throw new SuiteFailure('an unchanged SET must reply nil');
      return 'success';
    }),
  ),
  c(110, 'default_set_empty_key', (s) => userOnly(s, () => s.commandError(['SET', '', 'world'], 'Invalid argument, key needed'))),
  c(120, 'default_exists_missing_args', (s) => s.commandError(['EXISTS'], 'Unexpected arguments')),
  c(120, 'default_exists_notfound', async (s) => ((await s.integer('EXISTS', 'unknown-key')) === 0 ? 'success' : Promise.reject(new SuiteFailure('EXISTS')))),
  c(120, 'default_exists_deleted', async (s) => ((await s.integer('EXISTS', 'deleted')) === 0 ? 'success' : Promise.reject(new SuiteFailure('EXISTS')))),
  c(120, 'default_exists_large_key', (s) => s.commandError(['EXISTS', large], 'Invalid key')),
  c(120, 'default_exists', (s) => userOnly(s, async () => ((await s.integer('EXISTS', 'hello')) === 1 ? 'success' : Promise.reject(new SuiteFailure('EXISTS'))))),
  c(120, 'default_check_missing_args', (s) => s.commandError(['CHECK'])),
  c(120, 'default_check_notfound', (s) => s.commandError(['CHECK', 'unknown-key'])),
  c(120, 'default_check_deleted', (s) => s.commandError(['CHECK', 'deleted'])),
  c(120, 'default_check', (s) => userOnly(s, async () => ((await s.integer('CHECK', 'hello')) === 1 ? 'success' : Promise.reject(new SuiteFailure('CHECK'))))),
  c(121, 'basic_suit_check', (s) => s.basicCheck('CHECK')),
  c(121, 'basic_suit_get', (s) => s.basicCheck('GET')),
  // Deviation: the C case expects `DEL hello world` to be refused, but 0-db v2.0.7 reads a third
  // argument as an admin's timestamp (zdbd/commands_dataset.c, command_del) and every client is
  // admin without --admin, so 0-db itself deletes "hello" here and fails this C case. Ours asserts
  // what 0-db does; the other five checks are as in C. (In seq mode there is no "hello" to delete.)
  c(121, 'basic_suit_del', (s) => s.basicCheck('DEL', s.mode === 'user' ? { extraArgument: 'OK' } : {})),
  c(121, 'basic_suit_select', (s) => s.basicCheck('SELECT')),
  c(121, 'basic_suit_auth', (s) => s.basicCheck('AUTH')),
  c(122, 'default_auth', (s) => s.commandError(['AUTH', 'blabla'], 'Authentication disabled')),
  c(122, 'default_auth_maybe_correct', (s) => s.commandError(['AUTH', 'root'], 'Authentication disabled')),
  c(123, 'default_auth_secure_not_hash', (s) => s.commandError(['AUTH', 'SECURE', 'bipbap'], 'Authentication disabled')),
  c(123, 'default_auth_secure_wrong_hash', (s) => s.commandError(['AUTH', 'SECURE', '0'.repeat(40)], 'Authentication disabled')),
  c(123, 'default_auth_secure_right_hash', async (s) => s.commandError(['AUTH', 'SECURE', hashPassword(await s.challenge(), 'root')], 'Authentication disabled')),
  c(125, 'default_asterisk', (s) => s.commandError(['*'], 'This is not a valid command')),
  c(990, 'default_stop', (s) => s.command('STOP')),
];

export const miscCases: SuiteCase[] = [
  m(800, 'misc_select', (s) => s.command('SELECT', 'default')),
  m(800, 'misc_time', async (s) => (await s.array(2, 'TIME'), 'success')),
  m(800, 'misc_info', (s) => s.commandStr('INFO')),
  m(800, 'misc_wait_missing_args', (s) => s.commandError(['WAIT'], 'Invalid arguments')),
  m(800, 'misc_wait_cmd_not_exists', (s) => s.commandError(['WAIT', 'nonexisting'], 'Unknown command to watch')),
  m(800, 'misc_wait_real', async (s) => {
    // A second connection PINGs after 500 ms; the first one's WAIT PING is answered "+PING".
    const other = await RespClient.connect(s.port);
    const pinged = new Promise<void>((resolve) => setTimeout(() => void other.command('PING').then(() => resolve()), 500));
    try {
      const r = await s.raw('WAIT', 'PING');
      if (r?.type !== 'status' || r.str !== 'PING') throw new SuiteFailure(`WAIT PING: got ${JSON.stringify(r)}`);
    } finally {
      await pinged;
      other.close();
    }
    return 'success';
  }),
];
