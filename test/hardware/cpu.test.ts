import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import type { ProcessGenerator } from '../../sim/engine/process.js';
import { InputError } from '../../sim/errors.js';
import { Cpu, CpuAdmissionError, cpuPowerW, type CpuOptions, type CpuTask } from '../../sim/hardware/cpu.js';
import type { CpuProfile } from '../../sim/hardware/profiles.js';

/** Clocked at the reference (3 GHz), so one core does one core-second of work per second. */
function profile(cores: number, extra: Partial<CpuProfile> = {}): CpuProfile {
  return { name: `test-${cores}c`, cores, threadsPerCore: 1, clockMHz: 3000, idlePowerW: 100, maxPowerW: 300, ...extra };
}

/** Sharing tests admit generously (4×): they are about rates; admission tests pass their own ratio. */
function makeCpu(cores: number, extra: Partial<CpuProfile> = {}, options: CpuOptions = { overcommitRatio: 4 }): { sim: Simulation; cpu: Cpu } {
  const sim = new Simulation();
  return { sim, cpu: new Cpu(sim, profile(cores, extra), options) };
}

/** Records [completion time, duration] per task label. */
function finishTimes(sim: Simulation, tasks: Record<string, CpuTask>): Record<string, [number, number]> {
  const done: Record<string, [number, number]> = {};
  for (const [label, task] of Object.entries(tasks)) task.onProcessed((ev) => (done[label] = [sim.nowS, ev.value!.durationS]));
  return done;
}

test('a task alone runs at min(vcpus, cores) × speed', (t) => {
  const { sim, cpu } = makeCpu(4);
  const done = finishTimes(sim, { a: cpu.run({ workCoreS: 10, vcpus: 2 }) });
  sim.run();
  t.deepEqual(done, { a: [5, 5] });
});

test('a slower clock stretches the work: 1.5 GHz is speed 0.5 against the 3 GHz reference', (t) => {
  const { sim, cpu } = makeCpu(2, { clockMHz: 1500 });
  t.is(cpu.speed, 0.5);
  t.is(cpu.capacityCoreSPerS, 1);
  const done = finishTimes(sim, { a: cpu.run({ workCoreS: 3, vcpus: 1 }) });
  sim.run();
  t.deepEqual(done, { a: [6, 6] });
});

test('two 1-vCPU tasks of equal work on one core each take twice as long as alone', (t) => {
  const alone = makeCpu(1);
  const soloDone = finishTimes(alone.sim, { a: alone.cpu.run({ workCoreS: 10, vcpus: 1 }) });
  alone.sim.run();
  const shared = makeCpu(1);
  const sharedDone = finishTimes(shared.sim, {
    a: shared.cpu.run({ workCoreS: 10, vcpus: 1 }),
    b: shared.cpu.run({ workCoreS: 10, vcpus: 1 }),
  });
  shared.sim.run();
  t.deepEqual(soloDone, { a: [10, 10] });
  t.deepEqual(sharedDone, { a: [20, 20], b: [20, 20] });
  // Simultaneous completions share one engine event: 1 completion + 2 processed task events.
  t.is(shared.sim.eventCount, 3);
});

test('max-min fair shares: vCPUs 2, 2, 8 on 8 cores get 2, 2, 4', (t) => {
  const { cpu } = makeCpu(8);
  const big = cpu.run({ workCoreS: 100, vcpus: 8 });
  const a = cpu.run({ workCoreS: 100, vcpus: 2 });
  const b = cpu.run({ workCoreS: 100, vcpus: 2 });
  t.deepEqual([a.rateCoreSPerS, b.rateCoreSPerS, big.rateCoreSPerS], [2, 2, 4]);
  t.is(cpu.utilisation, 1);
});

test('shares stay capped when capacity is left over: vCPUs 1 and 2 on 8 cores use 3 of 8', (t) => {
  const { cpu } = makeCpu(8);
  const a = cpu.run({ workCoreS: 1, vcpus: 1 });
  const b = cpu.run({ workCoreS: 1, vcpus: 2 });
  t.deepEqual([a.rateCoreSPerS, b.rateCoreSPerS], [1, 2]);
  t.is(cpu.utilisation, 3 / 8);
});

/*
 * Staggered case on 2 cores (hand-computed):
 *   t=0  A (work 8, 2 vCPUs) alone at rate 2          → A left 6 at t=1
 *   t=1  B (work 3, 1 vCPU): A 1, B 1                 → at t=2 A left 5, B left 2
 *   t=2  C (work 1, 1 vCPU): split 2/3 each           → C done after 1/(2/3) = 1.5 s, at t=3.5; A left 4, B left 1
 *   t=3.5 A 1, B 1                                    → B done at t=4.5; A left 3
 *   t=4.5 A alone at rate 2                           → A done at t=6
 */
function staggered(offsetS: number) {
  const { sim, cpu } = makeCpu(2);
  const done: Record<string, [number, number]> = {};
  const start = (label: string, atS: number, workCoreS: number, vcpus: number): void => {
    sim.schedule(atS, () => {
      const task = cpu.run({ workCoreS, vcpus });
      task.onProcessed((ev) => (done[label] = [sim.nowS, ev.value!.durationS]));
    });
  };
  start('A', offsetS + 0, 8, 2);
  start('B', offsetS + 1, 3, 1);
  start('C', offsetS + 2, 1, 1);
  sim.run();
  return { sim, cpu, done };
}

test('a finishing task frees capacity and the others speed up: staggered case', (t) => {
  const { cpu, done } = staggered(0);
  t.deepEqual(done, { C: [3.5, 1.5], B: [4.5, 3.5], A: [6, 6] });
  t.is(cpu.busyCoreS, 12);
  t.is(cpu.runningTasks.length, 0);
  t.is(cpu.admittedVcpus, 0);
});

test('the staggered case a year into a run: same durations to within a microsecond', (t) => {
  const offsetS = 8766 * 3600;
  const { cpu, done } = staggered(offsetS);
  const expected: Record<string, [number, number]> = { C: [3.5, 1.5], B: [4.5, 3.5], A: [6, 6] };
  for (const [label, [endS, durationS]] of Object.entries(expected)) {
    t.true(Math.abs(done[label]![0] - (offsetS + endS)) < 1e-6, `${label} ends at ${done[label]![0] - offsetS}`);
    t.true(Math.abs(done[label]![1] - durationS) < 1e-6, `${label} took ${done[label]![1]}`);
  }
  t.true(Math.abs(cpu.busyCoreS - 12) < 1e-6);
});

test('only the next completion is ever pending in the engine, never a tick', (t) => {
  const { sim, cpu } = makeCpu(4);
  for (let i = 1; i <= 16; i++) cpu.run({ workCoreS: i, vcpus: 1 });
  t.is(sim.pendingCount, 1);
  sim.run();
  // 16 completions at distinct times, plus one processed event per task.
  t.is(sim.eventCount, 32);
});

test('admission: overcommit 1× admits cores × threads vCPUs, 4× four times that, then refuses', (t) => {
  const strict = makeCpu(2, { threadsPerCore: 2 }, { overcommitRatio: 1 }).cpu;
  t.is(strict.vcpuLimit, 4);
  strict.run({ workCoreS: 1, vcpus: 3 });
  strict.run({ workCoreS: 1, vcpus: 1 });
  const refused = t.throws(() => strict.run({ workCoreS: 1, vcpus: 1 }), { instanceOf: CpuAdmissionError });
  t.is(refused?.code, 'E_CAPACITY');
  t.false(strict.canAdmit(1));

  const loose = makeCpu(2, { threadsPerCore: 2 }, { overcommitRatio: 4 }).cpu;
  t.is(loose.vcpuLimit, 16);
  for (let i = 0; i < 16; i++) loose.run({ workCoreS: 1, vcpus: 1 });
  t.throws(() => loose.run({ workCoreS: 1, vcpus: 1 }), { instanceOf: CpuAdmissionError });
  // Overcommit admits more vCPUs; it does not make more cycles: 16 tasks share 2 cores.
  t.is(loose.runningTasks[0]!.rateCoreSPerS, 2 / 16);
});

test('admission frees vCPUs when a task ends', (t) => {
  const { sim, cpu } = makeCpu(2, {}, { overcommitRatio: 1 });
  cpu.run({ workCoreS: 4, vcpus: 2 });
  t.false(cpu.canAdmit(1));
  sim.run();
  t.is(sim.nowS, 2);
  t.true(cpu.canAdmit(2));
});

test('overcommit ratio outside 1–4 and bad requests are input errors', (t) => {
  t.throws(() => makeCpu(2, {}, { overcommitRatio: 0.5 }), { instanceOf: InputError, message: /overcommitRatio/ });
  t.throws(() => makeCpu(2, {}, { overcommitRatio: 5 }), { instanceOf: InputError });
  const { cpu } = makeCpu(2);
  t.throws(() => cpu.run({ workCoreS: 1, vcpus: 1.5 }), { instanceOf: InputError, message: /vcpus/ });
  t.throws(() => cpu.run({ workCoreS: -1, vcpus: 1 }), { instanceOf: InputError, message: /workCoreS/ });
});

test('power P(u) = P_idle + (P_max − P_idle)·f(u) at u = 0, 0.5, 1 for each curve', (t) => {
  const at = (u: number, curve?: 'linear' | 'sqrt' | 'square' | 'cubic') => cpuPowerW(100, 300, u, curve);
  t.deepEqual([at(0), at(0.5), at(1)], [100, 200, 300]);
  t.deepEqual([at(0, 'sqrt'), at(1, 'sqrt')], [100, 300]);
  t.true(Math.abs(at(0.5, 'sqrt') - (100 + 200 * Math.SQRT1_2)) < 1e-12);
  t.is(at(0.5, 'square'), 150);
  t.is(at(0.5, 'cubic'), 125);
});

test('the CPU draws idle, half and full power as its load changes', (t) => {
  const { cpu } = makeCpu(4);
  t.is(cpu.powerW, 100);
  cpu.run({ workCoreS: 10, vcpus: 2 });
  t.is(cpu.powerW, 200);
  cpu.run({ workCoreS: 10, vcpus: 2 });
  t.is(cpu.powerW, 300);
  const cubic = makeCpu(4, {}, { powerCurve: 'cubic' }).cpu;
  cubic.run({ workCoreS: 10, vcpus: 2 });
  t.is(cubic.powerW, 125);
});

test('utilisation accounting: busy core-seconds and energy over busy and idle spans', (t) => {
  // 2 vCPUs of work 10 on 4 cores: busy at u = 0.5 for 5 s, then idle until t = 10.
  const { sim, cpu } = makeCpu(4);
  cpu.run({ workCoreS: 10, vcpus: 2 });
  sim.run({ untilS: 10 });
  t.is(sim.nowS, 10);
  t.is(cpu.busyCoreS, 10);
  t.is(cpu.busyCoreS / (cpu.cores * sim.nowS), 0.25);
  t.is(cpu.energyJ, 5 * 200 + 5 * 100);
});

test('busy time counts physical cores: a half-speed core is busy twice as long for the same work', (t) => {
  const { sim, cpu } = makeCpu(1, { clockMHz: 1500 });
  cpu.run({ workCoreS: 2, vcpus: 1 });
  sim.run();
  t.is(sim.nowS, 4);
  t.is(cpu.busyCoreS, 4);
});

test('usable from generator processes and from async code', async (t) => {
  const { sim, cpu } = makeCpu(2);
  const log: string[] = [];
  function* worker(): ProcessGenerator<void> {
    const { durationS } = yield cpu.run({ workCoreS: 4, vcpus: 1 });
    log.push(`gen done at ${sim.nowS} after ${durationS}`);
  }
  sim.process(worker());
  const asyncJob = (async () => {
    await sim.sleep(1);
    const { durationS } = await cpu.run({ workCoreS: 1, vcpus: 2 });
    log.push(`async done at ${sim.nowS} after ${durationS}`);
  })();
  await sim.runAsync();
  await asyncJob;
  // From t=1 the generator's 1-vCPU task and the 2-vCPU task split 2 cores 1:1 → async done at 2;
  // the generator's task had 3 left at t=1, 2 left at t=2, then runs alone at rate 1 → done at 4.
  t.deepEqual(log, ['async done at 2 after 1', 'gen done at 4 after 4']);
});

test('zero work completes at once without taking vCPUs', (t) => {
  const { sim, cpu } = makeCpu(1);
  const task = cpu.run({ workCoreS: 0, vcpus: 1 });
  t.is(cpu.admittedVcpus, 0);
  sim.run();
  t.deepEqual(task.value, { durationS: 0 });
  t.is(sim.nowS, 0);
});

test('failAll fails every running task and leaves the CPU idle', (t) => {
  const { sim, cpu } = makeCpu(2);
  const a = cpu.run({ workCoreS: 10, vcpus: 1 });
  const errors: unknown[] = [];
  a.onProcessed((ev) => {
    ev.defused = true;
    errors.push(ev.error);
  });
  sim.schedule(3, () => cpu.failAll(new Error('host down')));
  sim.run();
  t.is(sim.nowS, 3);
  t.is((errors[0] as Error).message, 'host down');
  t.is(cpu.utilisation, 0);
  t.is(cpu.busyCoreS, 3);
});
