// The healing panel: the reconciler's actions queued, running, done and failed, what it re-placed,
// repaired and re-applied, and its newest actions with their reasons. Renders the snapshot's figures.

import { Box, Text } from 'ink';
import type { LiveSnapshot } from '../../scenarios/live.js';
import { formatDuration } from '../../scenarios/duration.js';

type Healing = LiveSnapshot['healing'];
type Action = Healing['recent'][number];

const stateColour = { queued: 'yellow', running: 'cyan', done: 'green', failed: 'red' } as const;

export interface HealingPanelProps {
  readonly healing: Healing;
  /** Action lines under the counts (0: counts only). */
  readonly rows: number;
}

export function HealingPanel({ healing: h, rows }: HealingPanelProps) {
  const c = h.counts;
  // Unfinished actions are what an operator waits on, so they come before the newest finished ones.
  const shown = [...h.recent.filter((a) => a.state === 'queued' || a.state === 'running'), ...h.recent.filter((a) => a.state === 'done' || a.state === 'failed')].slice(0, rows);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        Healing queued <Text color={c.queued > 0 ? 'yellow' : undefined}>{c.queued}</Text> running <Text color={c.running > 0 ? 'cyan' : undefined}>{c.running}</Text> done {c.done} failed{' '}
        <Text color={c.failed > 0 ? 'red' : undefined}>{c.failed}</Text> │ re-placed {h.replacements} · zstor repairs {h.repairs} · Z-Net re-applies {h.reapplies}
      </Text>
      {shown.map((a) => (
        <ActionLine key={a.id} action={a} />
      ))}
    </Box>
  );
}

function ActionLine({ action: a }: { readonly action: Action }) {
  return (
    <Text wrap="truncate">
      {'  '}
      {formatDuration(a.atS).padStart(6)} <Text color={stateColour[a.state]}>{a.state.padEnd(7)}</Text> {a.reason.padEnd(12)} {a.detail}
    </Text>
  );
}
