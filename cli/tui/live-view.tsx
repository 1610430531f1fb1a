// The live view of a running scenario: header, nodes with availability, the cursor, farms, workloads,
// storage, queue, down nodes, healing, sparklines, event log and the help line. Renders a TuiState;
// every figure in it was computed by the controller and the snapshot.

import { Box, Text } from 'ink';
import { formatDuration } from '../../scenarios/duration.js';
import { speedLabel, type TuiState } from './state.js';
import { FarmGrid } from './farm-grid.js';
import { HealingPanel } from './healing-panel.js';
import { liveHelp } from './help-line.js';
import { NetworkPanel, networkPanelLines } from './network-panel.js';
import { sparkline } from './sparkline.js';
import { availabilityColour, CursorLine, DownNodesLine, NodesLine, percent, QueueLine } from './status-lines.js';

export interface LiveViewProps {
  readonly state: TuiState;
  readonly columns: number;
  readonly rows: number;
}

/** Lines the view uses besides the farm grid, the healing actions, the log and the help line. */
const fixedLines = 14;
/** Healing actions listed at most; fewer on a short screen. */
const healingRowsMax = 4;

export function LiveView({ state, columns, rows }: LiveViewProps) {
  const s = state.snapshot!;
  const helpLines = Math.ceil(liveHelp.length / Math.max(20, columns));
  const free = rows - fixedLines - helpLines - (s.network === undefined ? 0 : networkPanelLines);
  const healingRows = Math.max(0, Math.min(healingRowsMax, Math.floor(free / 4)));
  const spare = Math.max(4, free - healingRows);
  // The grid gets up to two thirds of what is left; the log takes the rest.
  const gridRows = Math.max(2, Math.min(Math.ceil((spare * 2) / 3), s.farms.length * 4));
  const logRows = Math.max(1, spare - Math.min(gridRows, Math.max(s.farms.length, 1)));
  const sparkWidth = Math.max(10, Math.min(60, columns - 30));
  const w = s.workloads;
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate">
        <Text bold>zos-testbed tui</Text> · {s.scenario} · seed {s.seed} · t={formatDuration(s.nowS)} ({s.phaseNote}) · {speedLabel(state.speedS)}/tick ·{' '}
        {state.paused ? <Text color="yellow">PAUSED</Text> : <Text color="green">running</Text>} · {s.events} events
      </Text>
      <NodesLine snapshot={s} />
      <CursorLine snapshot={s} cursor={state.cursor} message={state.message} />
      <FarmGrid farms={s.farms} columns={columns} rows={gridRows} cursor={state.cursor} />
      <Text wrap="truncate">
        Workloads ok <Text color="green">{w.ok}</Text> error <Text color={w.error > 0 ? 'red' : undefined}>{w.error}</Text> paused {w.paused} init {w.init} deleted {w.deleted} · deployments {s.deployments} (unplaced {s.unplaced})
      </Text>
      <StorageLine state={state} />
      <QueueLine snapshot={s} />
      <DownNodesLine snapshot={s} />
      <HealingPanel healing={s.healing} rows={healingRows} />
      {s.network === undefined ? null : <NetworkPanel network={s.network} />}
      <Text wrap="truncate">
        availability <Text color={availabilityColour(s.availability.fraction)}>{sparkline(state.history.availability, sparkWidth)}</Text> {percent(s.availability.fraction)}
      </Text>
      <Text wrap="truncate">
        nodes up     <Text color="green">{sparkline(state.history.nodesUp, sparkWidth)}</Text> {s.nodes.up}
      </Text>
      <Text wrap="truncate">
        workloads ok <Text color="cyan">{sparkline(state.history.workloadsOk, sparkWidth)}</Text> {w.ok}
      </Text>
      <Text dimColor>── events ──</Text>
      {state.log.slice(-logRows).map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
      {/* Wrapped, never cut: the help line must stay readable however narrow the terminal. */}
      <Text inverse wrap="wrap">
        {liveHelp}
      </Text>
    </Box>
  );
}

function StorageLine({ state }: { readonly state: TuiState }) {
  const st = state.snapshot!.storage;
  return (
    <Text wrap="truncate">
      Storage{' '}
      {st.present ? (
        <>
          zstor objects {st.objects} · degraded <Text color={st.degraded > 0 ? 'yellow' : undefined}>{st.degraded}</Text> · lost <Text color={st.lost > 0 ? 'red' : undefined}>{st.lost}</Text>
        </>
      ) : (
        'no zstor in this scenario'
      )}{' '}
      · disk failures {st.diskFailures}
    </Text>
  );
}
