// Nodes by farm, coloured by state: one cell per node when the screen has room, else one bar and
// counts per farm. Leaves out computing states (scenarios/live-snapshot.ts).

import { Box, Text } from 'ink';
import type { FarmView } from '../../scenarios/live.js';
import { barCells } from './sparkline.js';

const cell = ['●', '◐', '✕'] as const;
const colour = ['green', 'yellow', 'red'] as const;
const nameWidth = 12;
const countsWidth = 32;

export interface FarmGridProps {
  readonly farms: readonly FarmView[];
  readonly columns: number;
  readonly rows: number;
}

/** Per-node cells only if every farm's nodes fit in the rows given; never one element per node. */
export function FarmGrid({ farms, columns, rows }: FarmGridProps) {
  const perLine = Math.max(10, columns - nameWidth - countsWidth - 2);
  const lines = farms.reduce((n, f) => n + Math.max(1, Math.ceil(f.states.length / perLine)), 0);
  if (lines <= rows) return <Box flexDirection="column">{farms.map((f) => <NodeCells key={f.name} farm={f} perLine={perLine} />)}</Box>;
  // Too many farms for the rows: the worst ones first, then a line for the rest.
  const shown = farms.length <= rows ? farms : [...farms].sort((a, b) => b.down + b.standby - (a.down + a.standby)).slice(0, Math.max(1, rows - 1));
  const hidden = farms.length - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((f) => <FarmBar key={f.name} farm={f} width={perLine} />)}
      {hidden > 0 ? <Text dimColor>… {hidden} more farms ({farms.filter((f) => !shown.includes(f) && f.down + f.standby === 0).length} all up)</Text> : null}
    </Box>
  );
}

function Counts({ farm }: { readonly farm: FarmView }) {
  return (
    <Text>
      {' '}up <Text color="green">{farm.up}</Text> standby <Text color="yellow">{farm.standby}</Text> down <Text color={farm.down > 0 ? 'red' : undefined}>{farm.down}</Text>
    </Text>
  );
}

function NodeCells({ farm, perLine }: { readonly farm: FarmView; readonly perLine: number }) {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < farm.states.length; i += perLine) chunks.push(farm.states.subarray(i, i + perLine));
  return (
    <Box flexDirection="column">
      {chunks.map((chunk, i) => (
        <Box key={i}>
          <Text>{(i === 0 ? farm.name : '').slice(0, nameWidth - 1).padEnd(nameWidth)}</Text>
          <Runs states={chunk} />
          <Text>{' '.repeat(perLine - chunk.length)}</Text>
          {i === 0 ? <Counts farm={farm} /> : null}
        </Box>
      ))}
    </Box>
  );
}

/** Consecutive nodes in one state share one Text: elements grow with state changes, not nodes. */
function Runs({ states }: { readonly states: Uint8Array }) {
  const runs: { state: number; length: number }[] = [];
  for (const s of states) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.state === s) last.length++;
    else runs.push({ state: s, length: 1 });
  }
  return (
    <Text>
      {runs.map((r, i) => (
        <Text key={i} color={colour[r.state as 0 | 1 | 2]}>
          {cell[r.state as 0 | 1 | 2].repeat(r.length)}
        </Text>
      ))}
    </Text>
  );
}

function FarmBar({ farm, width }: { readonly farm: FarmView; readonly width: number }) {
  const [up, standby, down] = barCells([farm.up, farm.standby, farm.down], width);
  return (
    <Box>
      <Text>{farm.name.slice(0, nameWidth - 1).padEnd(nameWidth)}</Text>
      <Text color="green">{'█'.repeat(up!)}</Text>
      <Text color="yellow">{'▒'.repeat(standby!)}</Text>
      <Text color="red">{'░'.repeat(down!)}</Text>
      <Counts farm={farm} />
    </Box>
  );
}
