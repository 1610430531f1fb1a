// One-line panels of the live view: nodes with availability, the scheduler's queue, the down nodes and
// the cursor. Render the snapshot's figures; every number was computed before it got here.

import { Text } from 'ink';
import type { LiveSnapshot } from '../../scenarios/live.js';
import { cursorNode, type Cursor } from './cursor.js';
import { NodeState } from '../../scenarios/live-snapshot.js';

export const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)} %`;

/** Green while (nearly) everything is available, yellow for a dent, red for an outage. */
export function availabilityColour(fraction: number): 'green' | 'yellow' | 'red' {
  return fraction >= 0.99 ? 'green' : fraction >= 0.9 ? 'yellow' : 'red';
}

export function NodesLine({ snapshot: s }: { readonly snapshot: LiveSnapshot }) {
  const a = s.availability;
  return (
    <Text wrap="truncate">
      Nodes {s.nodes.total}: up <Text color="green">{s.nodes.up}</Text> standby <Text color="yellow">{s.nodes.standby}</Text> down{' '}
      <Text color={s.nodes.down > 0 ? 'red' : undefined}>{s.nodes.down}</Text> · availability <Text color={availabilityColour(a.fraction)}>{percent(a.fraction)}</Text> ({a.unavailable}/{a.counted} deployments
      down, {a.hoursLost.toFixed(1)} h lost) · hub {s.hubUp ? 'up' : <Text color="red">DOWN</Text>}
    </Text>
  );
}

export function QueueLine({ snapshot: s }: { readonly snapshot: LiveSnapshot }) {
  const q = s.jobs;
  return (
    <Text wrap="truncate">
      Queue waiting {q.waiting} · active {q.active} · delayed {q.delayed} · retrying {q.retrying} · done {q.completed} · failed{' '}
      <Text color={q.failed > 0 ? 'red' : undefined}>{q.failed}</Text> · node FIFOs {s.queueDepth} jobs
    </Text>
  );
}

export function DownNodesLine({ snapshot: s }: { readonly snapshot: LiveSnapshot }) {
  if (s.nodes.down === 0) return <Text wrap="truncate">Down nodes: none</Text>;
  const more = s.nodes.down - s.downNodes.length;
  return (
    <Text wrap="truncate">
      Down nodes ({s.nodes.down}): <Text color="red">{s.downNodes.join(' ')}</Text>
      {more > 0 ? ` … and ${more} more` : ''}
    </Text>
  );
}

const stateName = ['up', 'standby', 'down'] as const;

/** The cursor's node, and the last action's outcome (the line an operator reads after a key). */
export function CursorLine({ snapshot: s, cursor, message }: { readonly snapshot: LiveSnapshot; readonly cursor: Cursor; readonly message: string }) {
  const farm = s.farms[cursor.farm]!;
  const state = farm.states[cursor.offset]! as 0 | 1 | 2;
  return (
    <Text wrap="truncate">
      Cursor › {farm.name} node {cursorNode(cursor, s.farms)} (<Text color={state === NodeState.up ? 'green' : state === NodeState.down ? 'red' : 'yellow'}>{stateName[state]}</Text>,{' '}
      {cursor.offset + 1} of {farm.states.length}){message === '' ? '' : ` · ${message}`}
    </Text>
  );
}
