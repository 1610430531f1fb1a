// 0-db's tests/zdb_namespace.c, case for case (threefoldtech/0-db v2.0.7), all at priority 160.

import { caseMaker, hashPassword, SuiteFailure, type Suite, type SuiteCase } from './zdb-suite.js';

const c = caseMaker('zdb_namespace.c');
const sp = 160;
const userOnly = (s: Suite, run: () => Promise<'success' | 'skipped'>) => (s.mode === 'seq' ? Promise.resolve('skipped' as const) : run());

const created = 'test_ns_create';
const deleteme = 'test_ns_deleteme';
const reloaded = 'test_ns_reload';
const protectedNs = 'test_ns_protected';
const password = 'helloworld';
const newPassword = 'mynewpassword';
const maxsizeNs = 'test_ns_maxsize';
const large = 'x'.repeat(511);

export const namespaceCases: SuiteCase[] = [
  c(sp, 'namespace_select_not_existing', (s) => s.commandError(['SELECT', 'notfound'], 'Namespace not found')),
  c(sp, 'namespace_create', (s) => s.nsnew(created)),
  c(sp, 'namespace_create_again', (s) => s.commandError(['NSNEW', created], 'This namespace is not available')),
  c(sp, 'namespace_create_too_long', (s) => s.commandError(['NSNEW', large], 'Namespace too long')),
  c(sp, 'namespace_select_created', (s) => s.command('SELECT', created)),
  c(sp, 'namespace_simple_set', (s) => s.set('hello', 'world')),
  c(sp, 'namespace_simple_get', (s) => userOnly(s, () => s.check('hello', 'world'))),
  c(sp, 'namespace_special_set', (s) => s.set('special-key', 'hello')),
  c(sp, 'namespace_special_get', (s) => userOnly(s, () => s.check('special-key', 'hello'))),
  c(sp, 'namespace_switchback_default', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_default_ensure', (s) => userOnly(s, () => s.commandError(['GET', 'special-key']))),
  c(sp, 'namespace_create_protected', (s) => s.nsnew(protectedNs)),
  c(sp, 'namespace_set_password', (s) => s.command('NSSET', protectedNs, 'password', password)),
  c(sp, 'namespace_set_protected', (s) => s.command('NSSET', protectedNs, 'public', '0')),
  c(sp, 'namespace_select_protected_pass_try1', (s) => s.commandError(['SELECT', protectedNs, 'blabla'], 'Access denied')),
  // 0-db issue #21: a prefix of the password, or the password plus more, is not the password.
  c(sp, 'namespace_select_protected_pass_try2', (s) => s.commandError(['SELECT', protectedNs, 'hellowo'], 'Access denied')),
  c(sp, 'namespace_select_protected_pass_try3', (s) => s.commandError(['SELECT', protectedNs, 'helloworldhello'], 'Access denied')),
  c(sp, 'namespace_select_protected_nopass', (s) => s.commandError(['SELECT', protectedNs], 'Namespace protected and private')),
  c(sp, 'namespace_select_protected_long_pwd', (s) => s.commandError(['SELECT', protectedNs, large], 'Password too long')),
  c(sp, 'namespace_select_protected_correct_pass', (s) => s.command('SELECT', protectedNs, password)),
  // The C case wants any error. The connection still holds the challenge of
  // default_auth_secure_right_hash (AUTH SECURE answered "Authentication disabled" before using it
  // up, zdbd/commands_auth.c), so 0-db, as ours, checks the hash and refuses it.
  c(sp, 'namespace_select_protected_secure_no_challenge', (s) => s.commandError(['SELECT', protectedNs, 'SECURE', '9444a8840596815e66829db9a2c7a71b442ceeeb'], 'Access denied')),
  c(sp, 'namespace_select_protected_secure_not_hash', async (s) => {
    await s.challenge();
    return s.commandError(['SELECT', protectedNs, 'SECURE', 'abcdef'], 'Invalid hash length');
  }),
  c(sp, 'namespace_select_protected_secure_wrong_hash', async (s) => {
    await s.challenge();
    return s.commandError(['SELECT', protectedNs, 'SECURE', '0'.repeat(40)], 'Access denied');
  }),
  c(sp, 'namespace_select_protected_secure_correct', async (s) => s.command('SELECT', protectedNs, 'SECURE', hashPassword(await s.challenge(), password))),
  c(sp, 'namespace_write_protected_authentificated', (s) => s.set('hello', 'protected')),
  c(sp, 'namespace_switchback_default_2', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_switchback_default_again', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_set_public', (s) => s.command('NSSET', protectedNs, 'public', '1')),
  c(sp, 'namespace_select_public', (s) => s.command('SELECT', protectedNs)),
  c(sp, 'namespace_write_on_protected', (s) => userOnly(s, () => s.commandError(['SET', 'should', 'fails'], 'Namespace is in read-only mode'))),
  c(sp, 'namespace_del_on_protected', (s) => userOnly(s, () => s.commandError(['DEL', 'hello'], 'Namespace is in read-only mode'))),
  c(sp, 'namespace_protected_clear_password', (s) => s.command('NSSET', protectedNs, 'password', '*')),
  c(sp, 'namespace_select_protected_cleared', (s) => s.command('SELECT', protectedNs)),
  c(sp, 'namespace_select_default_before_reset', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_protected_set_again_password', (s) => s.command('NSSET', protectedNs, 'password', newPassword)),
  c(sp, 'namespace_select_new_protected_correct_pass', (s) => s.command('SELECT', protectedNs, newPassword)),
  c(sp, 'namespace_nsset_notfound', (s) => s.commandError(['NSSET', 'nsnotfound', 'public', '0'], 'Namespace not found')),
  c(sp, 'namespace_nsset_unknown_property', (s) => s.commandError(['NSSET', protectedNs, 'blabla', 'blibli'], 'Invalid property')),
  c(sp, 'namespace_nsset_long_value_light', (s) => s.commandError(['NSSET', created, 'maxsize', '4'.repeat(119)], 'Argument too long')),
  c(sp, 'namespace_set_default_private', (s) => s.commandError(['NSSET', 'default', 'public', '0'], 'Cannot update default namespace')),
  c(sp, 'namespace_set_default_sizelimit', (s) => s.commandError(['NSSET', 'default', 'maxsize', '42'], 'Cannot update default namespace')),
  c(sp, 'namespace_set_default_password', (s) => s.commandError(['NSSET', 'default', 'password', 'hello'], 'Cannot update default namespace')),
  c(sp, 'namespace_create_maxsize', (s) => s.nsnew(maxsizeNs)),
  c(sp, 'namespace_set_limit', (s) => s.command('NSSET', maxsizeNs, 'maxsize', '16')),
  c(sp, 'namespace_select_maxsize', (s) => s.command('SELECT', maxsizeNs)),
  c(sp, 'namespace_limit_write1', (s) => s.set('key1', '0123456789')),
  c(sp, 'namespace_limit_write2', (s) => s.set('key2', 'abcde')),
  c(sp, 'namespace_limit_write_exact_limit', (s) => s.set('key3', '+')),
  c(sp, 'namespace_limit_write_over', (s) => userOnly(s, () => s.commandError(['SET', 'key4', 'X'], 'No space left on this namespace'))),
  c(sp, 'namespace_limit_replace_exact', (s) => s.set('key3', '-')),
  c(sp, 'namespace_limit_replace_shrink', (s) => s.set('key1', '12345')),
  c(sp, 'namespace_limit_write_over_shrink', (s) => userOnly(s, () => s.commandError(['SET', 'key5', '67890X'], 'No space left on this namespace'))),
  c(sp, 'namespace_limit_write_in_shrink', (s) => s.set('key5', '67890')),
  c(sp, 'namespace_nsinfo_suite', (s) => s.basicCheck('NSINFO')),
  c(sp, 'namespace_nsnew_suite', (s) => s.commandError(['NSNEW'], 'Unexpected arguments')),
  c(sp, 'namespace_nsset_few_argument', (s) => s.commandError(['NSSET', 'hello'], 'Unexpected arguments')),
  c(sp, 'namespace_nsset_not_existing', (s) => s.commandError(['NSSET', 'notexisting', 'public', '0'], 'Namespace not found')),
  c(sp, 'namespace_nsset_long_value', (s) => s.commandError(['NSSET', protectedNs, 'public', 'x'.repeat(385)], 'Argument too long')),
  c(sp, 'namespace_nsnew_traversal', (s) => s.commandError(['NSNEW', '../../hello'], 'This name is not allowed')),
  c(sp, 'namespace_nsinfo_notfound', (s) => s.commandError(['NSINFO', 'notexistingns'], 'Namespace not found')),
  c(sp, 'namespace_nsinfo', (s) => s.commandStr('NSINFO', 'default')),
  c(sp, 'namespace_nslist', async (s) => {
    const r = await s.raw('NSLIST');
    if (r?.type !== 'array' || r.elements.length < 1) throw new SuiteFailure('NSLIST');
    return 'success';
  }),
  c(sp, 'namespace_create_delete', (s) => s.command('NSNEW', deleteme)),
  c(sp, 'namespace_nsdel_long_name', (s) => s.commandError(['NSDEL', large], 'Namespace too long')),
  c(sp, 'namespace_switch_delete', (s) => s.command('SELECT', deleteme)),
  c(sp, 'namespace_try_delete_extra_arg', (s) => s.commandError(['NSDEL', deleteme, 'EXTRARG'], 'Unexpected arguments')),
  c(sp, 'namespace_try_delete_inuse', (s) => s.commandError(['NSDEL', deleteme], "Cannot remove namespace you're currently using.")),
  c(sp, 'namespace_try_delete_default', (s) => s.commandError(['NSDEL', 'default'], 'Cannot remove default namespace')),
  c(sp, 'namespace_switch_delete_to_default', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_real_delete_empty', (s) => s.command('NSDEL', deleteme)),
  c(sp, 'namespace_real_delete_empty_again', (s) => s.commandError(['NSDEL', deleteme], "This namespace doesn't exists")),
  c(sp, 'namespace_create_delete_again', (s) => s.command('NSNEW', deleteme)),
  c(sp, 'namespace_switch_delete_again', (s) => s.command('SELECT', deleteme)),
  c(sp, 'namespace_fill_delete', (s) => s.set('mykey', 'helloworld')),
  c(sp, 'namespace_switch_delete_again_default', (s) => s.command('SELECT', 'default')),
  c(sp, 'namespace_real_delete_not_empty', (s) => s.command('NSDEL', deleteme)),
  c(sp, 'namespace_create_reload', (s) => s.command('NSNEW', reloaded)),
  c(sp, 'namespace_switch_reload', (s) => s.command('SELECT', reloaded)),
  c(sp, 'namespace_fill_reload', (s) => s.set('keypresent', 'helloworld')),
  c(sp, 'namespace_reload_too_many_args', (s) => s.commandError(['RELOAD', reloaded, 'OOPS'], 'Unexpected arguments')),
  c(sp, 'namespace_reload_long_namespace', (s) => s.commandError(['RELOAD', 'X'.repeat(199)], 'Namespace too long')),
  c(sp, 'namespace_reload_non_existing', (s) => s.commandError(['RELOAD', 'non-existing-namespace'], 'Namespace not found')),
  c(sp, 'namespace_reload_execute', (s) => s.command('RELOAD', reloaded)),
  c(sp, 'namespace_simple_get_after_reload', (s) => userOnly(s, () => s.check('keypresent', 'helloworld'))),
];
