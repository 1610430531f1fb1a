// The real TUI in a real terminal: tmux runs `zos-testbed tui farm-partition`, the test reads the
// screen with capture-pane, steps the run by key through the partition, watches availability fall and
// the healing panel fill and empty, aims a kill at a chosen node with the cursor, and quits; a second
// run ends on SIGTERM with 143. Prints every screen it judged.

import { execFileSync } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import { builtBinary, repoRoot } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

// A private tmux server (-L) per test, so that this file never touches anyone else's sessions.
function terminal(t: ExecutionContext, name: string, command: string) {
  const server = `zt-${process.pid}-${name}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', server, ...args], { cwd: repoRoot, encoding: 'utf8' });
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone: nothing to clean.
    }
  });
  // `sleep` keeps the pane (and EXIT=…) on screen after the TUI ends, until teardown kills the server.
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '45', `${command}; echo EXIT=$?; sleep 300`);
  const screen = (): string => tmux('capture-pane', '-p', '-t', name);
  return {
    screen,
    /** Each key typed literally (`--`: a key such as - is not taken for an option). */
    keys: (...keys: string[]): void => keys.forEach((k) => tmux('send-keys', '-t', name, '-l', '--', k)),
    panePid: (): string => tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim(),
    /** Reads the screen until `ok` accepts it; a capture spawns tmux, so not too often. */
    waitFor: (what: string, ok: (s: string) => boolean, timeoutMs = 30_000): Promise<string> => waitUntil(what, screen, { until: ok, timeoutMs, intervalMs: 100 }),
  };
}

const field = (s: string, re: RegExp): number => Number(re.exec(s)?.[1] ?? NaN);
const availability = (s: string): number => field(s, /availability ([\d.]+) %/);
const clock = (s: string): string => /t=(\S+)/.exec(s)?.[1] ?? '?';
const healing = (s: string) => ({ queued: field(s, /Healing queued (\d+)/), done: field(s, /Healing queued \d+ running \d+ done (\d+)/), replaced: field(s, /re-placed (\d+)/) });

test('tui under tmux: a farm partition, availability falling, healing filling and emptying, a kill aimed by cursor, q exits 0', async (t) => {
  const term = terminal(t, 'partition', `node ${builtBinary()} tui farm-partition --paused --speed 900`);
  const start = await term.waitFor('the grid', (s) => /farm-west .* up \d+ standby \d+ down \d+/.test(s) && /q quit/.test(s));
  t.log(`--- start ---\n${start.trimEnd()}`);
  t.regex(start, /availability 100\.0 %/);

  /** Presses s (one tick) until the screen after a tick satisfies `until`. */
  const step = async (until: (s: string) => boolean, what: string, most = 60): Promise<string> => {
    for (let i = 0; i < most; i++) {
      const before = clock(term.screen());
      term.keys('s');
      const s = await term.waitFor(`a step after t=${before}`, (x) => clock(x) !== before);
      if (until(s)) return s;
    }
    throw new Error(`${most} steps without ${what}`);
  };
  // Six ticks of 15 min reach the partition at 1.5 h; then 1 min ticks to watch the reconciler.
  await step((s) => clock(s) === '1.5h', 't=1.5h', 6);
  term.keys('-', '-');
  await term.waitFor('1 min ticks', (s) => s.includes('1m/tick'));
  const cut = await step((s) => availability(s) < 100 && /Down nodes \(25\)/.test(s), 'the partition');
  t.log(`--- farm-north cut off (t=${clock(cut)}) ---\n${cut.trimEnd()}`);
  t.regex(cut, /farm-north .* up 0 standby 0 down 25/);

  const filling = await step((s) => healing(s).queued > 0, 'healing queued');
  t.log(`--- healing queued (t=${clock(filling)}) ---\n${filling.trimEnd()}`);
  t.regex(filling, /queued +replace/, 'the panel lists queued re-placements with their reason');
  const lowest = availability(filling);

  const emptied = await step((s) => healing(s).queued === 0 && healing(s).done > 0 && availability(s) === 100, 'healing done and availability back');
  t.log(`--- healed (t=${clock(emptied)}) ---\n${emptied.trimEnd()}`);
  t.true(lowest < 100, `availability fell to ${lowest} %`);
  t.true(healing(emptied).replaced > 0, `re-placed ${healing(emptied).replaced}`);
  t.regex(emptied, /Down nodes \(25\)/, 'the farm is still cut off: healing moved its deployments elsewhere');

  // Aim: ] ] to the third farm, > > > to its fourth node, then k.
  term.keys(']', ']', '>', '>', '>');
  const aimed = await term.waitFor('the cursor on farm-east', (s) => /Cursor › farm-east node \d+ \(up, 4 of 25\)/.test(s));
  const node = field(aimed, /Cursor › farm-east node (\d+)/);
  term.keys('k');
  const killed = await term.waitFor('the aimed kill', (s) => new RegExp(`killed node ${node} \\(farm-east\\)`).test(s));
  t.log(`--- k at farm-east node ${node} ---\n${killed.trimEnd()}`);
  t.regex(killed, /farm-east +›●●●✕●/, 'the fourth cell of farm-east is down');
  t.regex(killed, new RegExp(`kill: node ${node} crashed`));
  t.regex(killed, /Down nodes \(26\)/);

  term.keys('q');
  const exited = await term.waitFor('exit', (s) => /EXIT=\d+/.test(s));
  t.regex(exited, /EXIT=0/);
});

for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`tui under tmux: ${signal} at max speed ends it promptly with ${status}`, async (t) => {
    const term = terminal(t, signal.toLowerCase(), `node ${builtBinary()} tui farm-partition --speed max`);
    await term.waitFor('the live view running', (s) => /farm-west/.test(s) && /running/.test(s));
    // The pane's process is the shell running the command line; the TUI is its one child.
    const pid = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', term.panePid()], { encoding: 'utf8' }).trim());
    const t0 = Date.now();
    process.kill(pid, signal);
    const exited = await term.waitFor('exit', (s) => /EXIT=\d+/.test(s), 10_000);
    t.log(`exited ${Date.now() - t0} ms after ${signal}`);
    t.regex(exited, new RegExp(`EXIT=${status}`));
  });
}
