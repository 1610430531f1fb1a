// Two of the CLI's failure modes (issue 11): a long simulation stops promptly on SIGTERM or SIGINT and
// says where, and `tui` names a bad argument before it complains that there is no terminal.
import test from 'ava';
import { cli, collect, stackFrame, startCli } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

// A century of the 10,000-node scenario: minutes of work, so a run that ends quickly was stopped.
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`run of a large grid: ${signal} stops it promptly, says where, exits ${code}`, async (t) => {
    const child = startCli(['run', 'capacity-10k-year', '--until', '100y', '--seed', '5']);
    const done = collect(child, 120_000);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntil('the seed line', () => stderr.includes('seed: 5'), { timeoutMs: 30_000 });
    // Let the simulation get going, so the signal lands mid-run rather than while the 10,000-node
    // world is built (about a second, and not interruptible: see the issue notes).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const sentMs = performance.now();
    child.kill(signal);
    const r = await done;
    const stopMs = performance.now() - sentMs;
    t.log(`${signal}: exited ${r.code} after ${stopMs.toFixed(0)} ms`);
    t.is(r.code, code);
    t.regex(r.stderr, new RegExp(`stopped by ${signal} in the safety phase at [^ ]+ of 100y simulated \\(\\d+ events\\); no report written\\. Replay: zos-testbed run capacity-10k-year --seed 5`));
    t.is(r.stdout, '');
    // Generous for a loaded machine; the run it interrupted needs minutes.
    t.true(stopMs < 5000, `took ${stopMs} ms`);
  });
}

test('tui names a bad argument before saying it needs a terminal', async (t) => {
  const unknown = await cli('tui', 'no-such-scenario');
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /no-such-scenario/);
  t.notRegex(unknown.stderr, /needs a terminal/);
  const speed = await cli('tui', 'farm-partition', '--speed', 'fast');
  t.is(speed.code, 2);
  t.regex(speed.stderr, /--speed/);
  t.notRegex(speed.stderr, stackFrame);
  // With good arguments and no terminal (ava's stdin is not one), the terminal is what is missing.
  const noTerminal = await cli('tui', 'farm-partition', '--no-record');
  t.is(noTerminal.code, 2);
  t.regex(noTerminal.stderr, /'tui' needs a terminal/);
});
