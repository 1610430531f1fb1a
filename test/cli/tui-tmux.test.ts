// The real TUI in a real terminal: tmux runs `zos-testbed tui farm-partition`, the test reads the
// screen with capture-pane, injects a fault by key, watches it heal and quits. Prints every screen.

import { execFileSync } from 'node:child_process';
import test from 'ava';
import { builtBinary, repoRoot } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

// A private tmux server (-L), so that this test never touches anyone else's sessions.
const server = `zt-${process.pid}`;
const session = `zt-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', server, ...args], { cwd: repoRoot, encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', session);

/** Reads the screen until `ok` accepts it; a capture spawns tmux, so not too often. */
const waitForScreen = (what: string, ok: (s: string) => boolean): Promise<string> => waitUntil(what, screen, { until: ok, timeoutMs: 30_000, intervalMs: 100 });

const downCount = (s: string): number => Number(/Nodes 100: up \d+ standby \d+ down (\d+)/.exec(s)?.[1] ?? NaN);

test('tui under tmux: grid shows, k takes a node down, h heals it, q exits 0', async (t) => {
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone: nothing to clean.
    }
  });
  // `sleep` keeps the pane (and EXIT=…) on screen after the TUI ends, until teardown kills the server.
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `node ${builtBinary()} tui farm-partition; echo EXIT=$?; sleep 300`);

  const grid = await waitForScreen('the farm grid', (s) => /farm-west .* up \d+ standby \d+ down \d+/.test(s) && /q quit/.test(s));
  t.log(`--- the grid ---\n${grid.trimEnd()}`);
  t.regex(grid, /farm-north +[●◐✕]+ +up/);
  const before = downCount(grid);

  tmux('send-keys', '-t', session, 'k');
  const killed = await waitForScreen('a node down', (s) => /killed node \d+/.test(s) && downCount(s) > before);
  t.log(`--- after k ---\n${killed.trimEnd()}`);
  t.regex(killed, /✕/, 'the killed node is drawn down');
  t.regex(killed, /node \d+ down/, 'the event log says so');

  tmux('send-keys', '-t', session, 'h');
  const healed = await waitForScreen('healing', (s) => /healed: \d+ nodes repaired, hub up/.test(s));
  t.log(`--- after h ---\n${healed.trimEnd()}`);
  t.is(downCount(healed), 0);
  t.regex(healed, /node \d+ up/);

  tmux('send-keys', '-t', session, 'q');
  const exited = await waitForScreen('exit', (s) => /EXIT=\d+/.test(s));
  t.log(`--- after q ---\n${exited.trimEnd().split('\n').slice(-3).join('\n')}`);
  t.regex(exited, /EXIT=0/);
});
