import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { Resource, PriorityResource, PreemptiveResource, type Preempted } from '../../sim/engine/resources.js';
import { Container, Store } from '../../sim/engine/container.js';
import { Interrupt, type ProcessGenerator } from '../../sim/engine/process.js';

function* user(sim: Simulation, res: Resource, name: string, holdS: number, log: string[], priority = 0, preempt = false): ProcessGenerator<void> {
  const req = res.request(priority, preempt);
  try {
    yield req;
    log.push(`${name}+${sim.nowS}`);
    yield holdS;
    log.push(`${name}-${sim.nowS}`);
  } catch (error) {
    if (!(error instanceof Interrupt)) throw error;
    const cause = error.cause as Preempted;
    log.push(`${name}!${sim.nowS}(since ${cause.usageSinceS})`);
  } finally {
    res.release(req);
  }
}

test('FIFO resource serves in arrival order, capacity at a time', (t) => {
  const sim = new Simulation();
  const res = new Resource(sim, 2);
  const log: string[] = [];
  for (const [name, hold] of [['a', 3], ['b', 1], ['c', 1], ['d', 1]] as const) sim.process(user(sim, res, name, hold, log));
  sim.run();
  t.deepEqual(log, ['a+0', 'b+0', 'b-1', 'c+1', 'c-2', 'd+2', 'a-3', 'd-3']);
});

test('priority resource serves the lowest priority value first, ties by arrival', (t) => {
  const sim = new Simulation();
  const res = new PriorityResource(sim, 1);
  const log: string[] = [];
  sim.process(user(sim, res, 'first', 1, log, 5));
  sim.process(user(sim, res, 'low', 1, log, 5));
  sim.process(user(sim, res, 'high', 1, log, 0));
  sim.process(user(sim, res, 'high2', 1, log, 0));
  sim.run();
  t.deepEqual(log.filter((l) => l.includes('+')), ['first+0', 'high+1', 'high2+2', 'low+3']);
});

test('preemptive resource interrupts the least urgent user', (t) => {
  const sim = new Simulation();
  const res = new PreemptiveResource(sim, 1);
  const log: string[] = [];
  sim.process(user(sim, res, 'batch', 10, log, 5));
  sim.schedule(2, () => sim.process(user(sim, res, 'repair', 1, log, 0, true)));
  sim.schedule(2.5, () => sim.process(user(sim, res, 'polite', 1, log, -1, false)));
  sim.run();
  t.deepEqual(log, ['batch+0', 'batch!2(since 0)', 'repair+2', 'repair-3', 'polite+3', 'polite-4']);
});

test('a waiting request can be withdrawn', (t) => {
  const sim = new Simulation();
  const res = new Resource(sim, 1);
  const held = res.request();
  const waiting = res.request();
  t.is(res.queueLength, 1);
  res.release(waiting);
  t.is(res.queueLength, 0);
  res.release(held);
  sim.run();
  t.false(waiting.triggered);
  t.is(res.count, 0);
});

test('container puts and gets wait for room and level, in FIFO order', (t) => {
  const sim = new Simulation();
  const tank = new Container(sim, 10, 2);
  const log: string[] = [];
  function* consumer(): ProcessGenerator<void> {
    const levelAfterGet: number = yield tank.get(5);
    log.push(`got5@${sim.nowS} level ${levelAfterGet}`);
  }
  function* producer(): ProcessGenerator<void> {
    yield 1;
    yield tank.put(4);
    log.push(`put4@${sim.nowS}`);
    yield tank.put(8);
    log.push(`put8@${sim.nowS} level ${tank.level}`);
  }
  sim.process(consumer());
  sim.process(producer());
  sim.run();
  t.deepEqual(log, ['put4@1', 'got5@1 level 1', 'put8@1 level 9']);
});

test('store hands items to getters in order', async (t) => {
  const sim = new Simulation();
  const store = new Store<string>(sim, 1);
  const got: string[] = [];
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      got.push(`${await store.get()}@${sim.nowS}`);
      await sim.sleep(1);
    }
  };
  const done = consumer();
  void store.put('a');
  void store.put('b');
  void store.put('c');
  await sim.runAsync();
  await done;
  t.deepEqual(got, ['a@0', 'b@1', 'c@2']);
});
