// The lockstep gate: backend calls start in (job, call) order whatever order they arrive in, and
// virtual time waits for jobs whose handler code runs elsewhere (here: behind a real timer).
import test from 'ava';
import { LockstepGate } from '../../scheduler/lockstep-gate.js';
import { Simulation } from '../../sim/engine/simulation.js';

test('held calls start in job order, not arrival order', async (t) => {
  const gate = new LockstepGate();
  const started: string[] = [];
  const call = (job: number, name: string) => gate.call(job, async () => void started.push(name));
  gate.begin(2);
  gate.begin(1);
  const second = call(2, 'job2-call0'); // arrives first
  t.deepEqual(started, [], 'job 1 is still running: nothing starts');
  const first = call(1, 'job1-call0');
  t.deepEqual(started, ['job1-call0', 'job2-call0']);
  await Promise.all([first, second]);
  gate.end(1);
  gate.end(2);
  t.true(gate.quiet);
});

test('virtual time does not move while a job runs elsewhere; the result is the same as in-process', async (t) => {
  async function run(remoteDelayMs: number): Promise<string[]> {
    const sim = new Simulation();
    const gate = new LockstepGate();
    const log: string[] = [];
    const job = async (seq: number, thinkMs: number): Promise<void> => {
      gate.begin(seq);
      for (let i = 0; i < 3; i++) {
        // Handler code between calls; a remote worker spends real time here.
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs));
        await gate.call(seq, () => sim.timeout(1).then(() => log.push(`${sim.nowS}:job${seq}.${i}`)));
      }
      gate.end(seq);
    };
    const done = Promise.all([job(1, remoteDelayMs), job(2, 0), job(3, remoteDelayMs / 2)]);
    while (gate.activeJobs > 0) await sim.runAsync({ barrier: () => (gate.quiet ? undefined : gate.whenQuiet()) });
    await done;
    return log;
  }
  const inProcess = await run(0);
  const remote = await run(8);
  t.deepEqual(remote, inProcess);
  t.deepEqual(inProcess.slice(0, 3), ['1:job1.0', '1:job2.0', '1:job3.0']);
});

test('runAsync asks the barrier again when its promise resolves, and steps only once it answers undefined', async (t) => {
  const sim = new Simulation();
  const log: string[] = [];
  sim.schedule(1, () => log.push(`event at ${sim.nowS}`));
  let asks = 0;
  // A barrier may resolve before what it waits for has happened (the gate went quiet, and a call that
  // settles at once makes its job run again): the clock must ask it again, not move on.
  const barrier = (): Promise<void> | undefined => {
    asks++;
    return asks <= 3 ? Promise.resolve().then(() => void log.push(`held ${asks}`)) : undefined;
  };
  await sim.runAsync({ barrier });
  t.deepEqual(log, ['held 1', 'held 2', 'held 3', 'event at 1']);
});
