// The live view of a running scenario: header, farms, workloads, storage, queue, sparklines, event
// log and the help line. Renders a TuiState; every figure in it was computed by the controller.

import { Box, Text } from 'ink';
import { formatDuration } from '../../scenarios/duration.js';
import { speedLabel, type TuiState } from './controller.js';
import { FarmGrid } from './farm-grid.js';
import { liveHelp } from './help-line.js';
import { NetworkPanel, networkPanelLines } from './network-panel.js';
import { sparkline } from './sparkline.js';

export interface LiveViewProps {
  readonly state: TuiState;
  readonly columns: number;
  readonly rows: number;
}

/** Lines the view uses besides the farm grid and the log (header, panels, sparklines, help). */
const fixedLines = 10;

export function LiveView({ state, columns, rows }: LiveViewProps) {
  const s = state.snapshot!;
  const spare = Math.max(4, rows - fixedLines - (s.network === undefined ? 0 : networkPanelLines) - 1);
  // The grid gets up to two thirds of what is left; the log takes the rest.
  const gridRows = Math.max(2, Math.min(Math.ceil((spare * 2) / 3), s.farms.length * 4));
  const logRows = Math.max(2, spare - Math.min(gridRows, countGridLines(s.farms.length, gridRows)));
  const sparkWidth = Math.max(10, Math.min(60, columns - 30));
  const w = s.workloads;
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate">
        <Text bold>zos-testbed tui</Text> · {s.scenario} · seed {s.seed} · t={formatDuration(s.nowS)} ({s.phaseNote}) · {speedLabel(state.speedS)}/tick ·{' '}
        {state.paused ? <Text color="yellow">PAUSED</Text> : <Text color="green">running</Text>} · {s.events} events
      </Text>
      <Text wrap="truncate">
        Nodes {s.nodes.total}: up <Text color="green">{s.nodes.up}</Text> standby <Text color="yellow">{s.nodes.standby}</Text> down{' '}
        <Text color={s.nodes.down > 0 ? 'red' : undefined}>{s.nodes.down}</Text> · hub {s.hubUp ? 'up' : <Text color="red">DOWN</Text>}
        {state.message === '' ? '' : ` · ${state.message}`}
      </Text>
      <FarmGrid farms={s.farms} columns={columns} rows={gridRows} />
      <Text wrap="truncate">
        Workloads ok <Text color="green">{w.ok}</Text> error <Text color={w.error > 0 ? 'red' : undefined}>{w.error}</Text> paused {w.paused} init {w.init} deleted {w.deleted} · deployments {s.deployments} (unplaced {s.unplaced}) · queue {s.queueDepth} jobs
      </Text>
      <Text wrap="truncate">
        Storage{' '}
        {s.storage.present ? (
          <>
            zstor objects {s.storage.objects} · degraded <Text color={s.storage.degraded > 0 ? 'yellow' : undefined}>{s.storage.degraded}</Text> · lost{' '}
            <Text color={s.storage.lost > 0 ? 'red' : undefined}>{s.storage.lost}</Text>
          </>
        ) : (
          'no zstor in this scenario'
        )}{' '}
        · disk failures {s.storage.diskFailures}
      </Text>
      {s.network === undefined ? null : <NetworkPanel network={s.network} />}
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

/** An upper bound of the grid's lines, so that the log does not push the help line off screen. */
function countGridLines(farms: number, gridRows: number): number {
  return Math.min(gridRows, Math.max(farms, 1));
}
