import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { Interrupt, type ProcessGenerator } from '../../sim/engine/process.js';
import { SimEvent } from '../../sim/engine/events.js';

test('callbacks run in (time, priority, sequence) order; ties are FIFO', (t) => {
  const sim = new Simulation();
  const log: string[] = [];
  sim.schedule(2, () => log.push('b@2'));
  sim.schedule(1, () => log.push('a@1'));
  sim.schedule(2, () => log.push('c@2'));
  sim.schedule(2, () => log.push('urgent@2'), undefined, -1);
  sim.schedule(0, () => log.push('z@0'));
  sim.run();
  t.deepEqual(log, ['z@0', 'a@1', 'urgent@2', 'b@2', 'c@2']);
  t.is(sim.nowS, 2);
});

test('run({untilS}) stops before events at untilS and sets the clock to it', (t) => {
  const sim = new Simulation();
  const times: number[] = [];
  const tick = (): void => {
    times.push(sim.nowS);
    sim.schedule(1, tick);
  };
  sim.schedule(0, tick);
  sim.run({ untilS: 3 });
  t.deepEqual(times, [0, 1, 2]);
  t.is(sim.nowS, 3);
  sim.run({ untilS: 5 });
  t.deepEqual(times, [0, 1, 2, 3, 4]);
  sim.run({ untilS: 5.5 });
  t.is(sim.nowS, 5.5);
});

test('cancelled callbacks never run', (t) => {
  const sim = new Simulation();
  const log: number[] = [];
  const h = sim.schedule(1, () => log.push(1));
  sim.schedule(2, () => log.push(2));
  sim.cancel(h);
  sim.run();
  t.deepEqual(log, [2]);
  t.is(sim.eventCount, 1);
});

test('processes yield delays and events, and a process is an event with its return value', (t) => {
  const sim = new Simulation();
  const log: Array<[number, string]> = [];
  function* child(): ProcessGenerator<string> {
    yield 3;
    return 'done';
  }
  function* parent(): ProcessGenerator<void> {
    log.push([sim.nowS, 'start']);
    yield sim.timeout(1);
    const value: string = yield sim.process(child());
    log.push([sim.nowS, value]);
  }
  sim.process(parent());
  sim.run();
  t.deepEqual(log, [[0, 'start'], [4, 'done']]);
});

test('an interrupt reaches the process at its wait and cancels that wait', (t) => {
  const sim = new Simulation();
  const log: string[] = [];
  function* worker(): ProcessGenerator<void> {
    try {
      yield 10;
      log.push('finished');
    } catch (error) {
      t.true(error instanceof Interrupt);
      log.push(`interrupted@${sim.nowS}:${String((error as Interrupt).cause)}`);
      yield 1;
      log.push(`resumed@${sim.nowS}`);
    }
  }
  const p = sim.process(worker());
  sim.schedule(4, () => p.interrupt('disk failed'));
  sim.run();
  t.deepEqual(log, ['interrupted@4:disk failed', 'resumed@5']);
  t.is(sim.nowS, 5);
});

test('allOf waits for every event; anyOf for the first', (t) => {
  const sim = new Simulation();
  const log: string[] = [];
  function* p(): ProcessGenerator<void> {
    const all = yield sim.allOf([sim.timeout(2, 'a'), sim.timeout(1, 'b')]);
    log.push(`all@${sim.nowS}:${all.values.join(',')}`);
    const any = yield sim.anyOf([sim.timeout(5, 'slow'), sim.timeout(1, 'fast')]);
    log.push(`any@${sim.nowS}:${any.firstIndex}`);
  }
  sim.process(p());
  sim.run();
  t.deepEqual(log, ['all@2:a,b', 'any@3:1']);
});

test('a failed event nobody handles stops the run loudly', (t) => {
  const sim = new Simulation();
  const ev = new SimEvent(sim);
  ev.fail(new Error('boom'));
  t.throws(() => sim.run(), { message: 'boom' });
});

test('a process may catch a failed event it waits on', (t) => {
  const sim = new Simulation();
  let caught = '';
  function* p(): ProcessGenerator<void> {
    const ev = sim.event();
    sim.schedule(1, () => ev.fail(new Error('io error')));
    try {
      yield ev;
    } catch (error) {
      caught = (error as Error).message;
    }
  }
  sim.process(p());
  sim.run();
  t.is(caught, 'io error');
});

test('async code awaits events in virtual time under runAsync', async (t) => {
  const sim = new Simulation();
  const log: string[] = [];
  async function caller(name: string, delayS: number): Promise<void> {
    await sim.sleep(delayS);
    log.push(`${name}@${sim.nowS}`);
    await sim.sleep(delayS);
    log.push(`${name}@${sim.nowS}`);
  }
  void caller('a', 2);
  void caller('b', 1);
  await sim.runAsync();
  t.deepEqual(log, ['b@1', 'a@2', 'b@2', 'a@4']);
});

test('run() refuses async waiters instead of running them out of order', (t) => {
  const sim = new Simulation();
  void (async () => {
    await sim.sleep(1);
  })();
  return new Promise<void>((resolve) => setImmediate(() => {
    t.throws(() => sim.run(), { message: /runAsync/ });
    resolve();
  }));
});

test('allOf reports the first failure and counts later failing members as handled', (t) => {
  const sim = new Simulation();
  let caught = '';
  function* p(): ProcessGenerator<void> {
    const a = sim.event();
    const b = sim.event();
    sim.schedule(1, () => a.fail(new Error('first')));
    sim.schedule(2, () => b.fail(new Error('second')));
    try {
      yield sim.allOf([a, b]);
    } catch (error) {
      caught = (error as Error).message;
    }
  }
  sim.process(p());
  t.notThrows(() => sim.run());
  t.is(caught, 'first');
  t.is(sim.nowS, 2);
});
