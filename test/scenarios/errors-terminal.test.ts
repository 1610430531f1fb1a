// The errors-terminal invariant after it stopped remembering non-terminal states: it still catches a
// terminal state that changes (deleted → ok, error → init) and still lets workloads move freely
// between non-terminal states, per (node, contract, workload name).
import test from 'ava';
import type { RunContext } from '../../scenarios/run-context.js';
import { makeChecker } from '../../scenarios/invariants.js';
import type { CompiledInvariant } from '../../scenarios/compiled.js';

type Listener = (node: number, contractId: number, name: string, result: { state: string }) => void;

/** A RunContext with only what the checker reads: the provision service's change notices and the clock. */
function fakeContext(): { ctx: RunContext; emit: Listener } {
  const listeners: Listener[] = [];
  const world = { sim: { nowS: 42 }, provision: { onChange: (fn: Listener) => listeners.push(fn) } };
  const ctx = { world } as unknown as RunContext;
  return { ctx, emit: (node, contractId, name, result) => listeners.forEach((fn) => fn(node, contractId, name, result)) };
}

const invariant = { kind: 'errors-terminal', label: 'errors terminal' } as unknown as CompiledInvariant;

test('a deleted workload that comes back is a violation naming the node, contract and workload', (t) => {
  const { ctx, emit } = fakeContext();
  const checker = makeChecker(ctx, invariant);
  emit(3, 17, 'vm', { state: 'init' });
  emit(3, 17, 'vm', { state: 'ok' });
  emit(3, 17, 'vm', { state: 'deleted' });
  t.is(checker.check(), null);
  emit(3, 17, 'vm', { state: 'ok' });
  t.is(checker.check(), 'node 3 contract 17 vm: deleted → ok at 42 s');
});

test('an error that turns into init is a violation; the same terminal state again is not', (t) => {
  const { ctx, emit } = fakeContext();
  const checker = makeChecker(ctx, invariant);
  emit(0, 1, 'db', { state: 'error' });
  emit(0, 1, 'db', { state: 'error' });
  t.is(checker.check(), null);
  emit(0, 1, 'db', { state: 'init' });
  t.regex(checker.check() ?? '', /error → init/);
});

test('non-terminal states change freely, and keys do not mix nodes, contracts or names', (t) => {
  const { ctx, emit } = fakeContext();
  const checker = makeChecker(ctx, invariant);
  emit(1, 5, 'a', { state: 'deleted' });
  // Same contract on another node, another name, another contract: none was terminal before.
  emit(2, 5, 'a', { state: 'ok' });
  emit(1, 5, 'b', { state: 'ok' });
  emit(1, 6, 'a', { state: 'ok' });
  emit(4, 9, 'x', { state: 'init' });
  emit(4, 9, 'x', { state: 'ok' });
  emit(4, 9, 'x', { state: 'paused' });
  emit(4, 9, 'x', { state: 'ok' });
  t.is(checker.check(), null);
});
