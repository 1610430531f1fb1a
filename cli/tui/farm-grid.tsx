// Nodes by farm, coloured by state: one cell per node when the screen has room, else one bar and
// counts per farm; the cursor's farm is marked › and its node drawn inverse. Leaves out computing
// states (scenarios/live-snapshot.ts).

import { Box, Text } from 'ink';
import type { FarmView } from '../../scenarios/live.js';
import type { Cursor } from './cursor.js';
import { barCells } from './sparkline.js';

const cell = ['●', '◐', '✕'] as const;
const colour = ['green', 'yellow', 'red'] as const;
const nameWidth = 12;
const countsWidth = 32;

export interface FarmGridProps {
  readonly farms: readonly FarmView[];
  readonly columns: number;
  readonly rows: number;
  /** Where the fault keys aim; none in tests of the layout alone. */
  readonly cursor?: Cursor;
}

/** The farm's name padded to the name column, with the cursor's mark in its last cell. */
function nameCell(name: string, marked: boolean): string {
  return name.slice(0, nameWidth - 2).padEnd(nameWidth - 1) + (marked ? '›' : ' ');
}

/** Per-node cells only if every farm's nodes fit in the rows given; never one element per node. */
export function FarmGrid({ farms, columns, rows, cursor }: FarmGridProps) {
  const perLine = Math.max(10, columns - nameWidth - countsWidth - 2);
  const lines = farms.reduce((n, f) => n + Math.max(1, Math.ceil(f.states.length / perLine)), 0);
  const aimed = cursor === undefined ? undefined : farms[cursor.farm];
  if (lines <= rows) return <Box flexDirection="column">{farms.map((f) => <NodeCells key={f.name} farm={f} perLine={perLine} cursorOffset={f === aimed ? cursor!.offset : undefined} />)}</Box>;
  // Too many farms for the rows: the cursor's farm and the worst ones first, then a line for the rest.
  const worst = [...farms].sort((a, b) => Number(b === aimed) - Number(a === aimed) || b.down + b.standby - (a.down + a.standby));
  const shown = farms.length <= rows ? farms : worst.slice(0, Math.max(1, rows - 1));
  const hidden = farms.length - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((f) => <FarmBar key={f.name} farm={f} width={perLine} marked={f === aimed} />)}
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

function NodeCells({ farm, perLine, cursorOffset }: { readonly farm: FarmView; readonly perLine: number; readonly cursorOffset: number | undefined }) {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < farm.states.length; i += perLine) chunks.push(farm.states.subarray(i, i + perLine));
  return (
    <Box flexDirection="column">
      {chunks.map((chunk, i) => (
        <Box key={i}>
          <Text>{nameCell(i === 0 ? farm.name : '', i === 0 && cursorOffset !== undefined)}</Text>
          <Runs states={chunk} cursor={cursorOffset === undefined ? undefined : cursorOffset - i * perLine} />
          <Text>{' '.repeat(perLine - chunk.length)}</Text>
          {i === 0 ? <Counts farm={farm} /> : null}
        </Box>
      ))}
    </Box>
  );
}

/**
 * Consecutive nodes in one state share one Text: elements grow with state changes, not nodes. The
 * cursor's cell (an index into `states`, possibly outside this line) is a run of its own, drawn inverse.
 */
function Runs({ states, cursor }: { readonly states: Uint8Array; readonly cursor: number | undefined }) {
  const runs: { state: number; length: number; aimed: boolean }[] = [];
  states.forEach((s, i) => {
    const last = runs[runs.length - 1];
    const aimed = i === cursor;
    if (last !== undefined && last.state === s && !aimed && !last.aimed) last.length++;
    else runs.push({ state: s, length: 1, aimed });
  });
  return (
    <Text>
      {runs.map((r, i) => (
        <Text key={i} color={colour[r.state as 0 | 1 | 2]} inverse={r.aimed}>
          {cell[r.state as 0 | 1 | 2].repeat(r.length)}
        </Text>
      ))}
    </Text>
  );
}

function FarmBar({ farm, width, marked }: { readonly farm: FarmView; readonly width: number; readonly marked: boolean }) {
  const [up, standby, down] = barCells([farm.up, farm.standby, farm.down], width);
  return (
    <Box>
      <Text>{nameCell(farm.name, marked)}</Text>
      <Text color="green">{'█'.repeat(up!)}</Text>
      <Text color="yellow">{'▒'.repeat(standby!)}</Text>
      <Text color="red">{'░'.repeat(down!)}</Text>
      <Counts farm={farm} />
    </Box>
  );
}
