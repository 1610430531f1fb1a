// The cursor over farms and nodes that aims the fault keys: pure moves over the farms' sizes.
// Leaves out what is done at the cursor (fault-keys.ts) and how it is drawn (farm-grid.tsx).

/** A farm by index and a node by its offset inside that farm. */
export interface Cursor {
  readonly farm: number;
  readonly offset: number;
}

/** What a move needs of a farm: where its nodes start and how many it has. */
export interface FarmExtent {
  readonly firstNode: number;
  readonly states: { readonly length: number };
}

export const startCursor: Cursor = { farm: 0, offset: 0 };

/** The node number under the cursor. */
export function cursorNode(cursor: Cursor, farms: readonly FarmExtent[]): number {
  return farms[cursor.farm]!.firstNode + cursor.offset;
}

/** The previous (−1) or next (+1) farm, wrapping; the offset is kept where the farm is big enough. */
export function moveFarm(cursor: Cursor, farms: readonly FarmExtent[], step: 1 | -1): Cursor {
  const farm = (cursor.farm + step + farms.length) % farms.length;
  return { farm, offset: Math.min(cursor.offset, farms[farm]!.states.length - 1) };
}

/** The previous (−1) or next (+1) node, crossing into the neighbouring farm at a farm's ends. */
export function moveNode(cursor: Cursor, farms: readonly FarmExtent[], step: 1 | -1): Cursor {
  const offset = cursor.offset + step;
  if (offset >= 0 && offset < farms[cursor.farm]!.states.length) return { farm: cursor.farm, offset };
  const farm = (cursor.farm + step + farms.length) % farms.length;
  return { farm, offset: step === 1 ? 0 : farms[farm]!.states.length - 1 };
}

/** The cursor on `node` (a node number of one of the farms). */
export function cursorAt(node: number, farms: readonly FarmExtent[]): Cursor {
  const farm = farms.findIndex((f) => node >= f.firstNode && node < f.firstNode + f.states.length);
  if (farm < 0) throw new Error(`node ${node} is in no farm`);
  return { farm, offset: node - farms[farm]!.firstNode };
}

/** The first node after the cursor (wrapping, the cursor's own node last) whose state `wanted` accepts; null if none. */
export function nextWhere(cursor: Cursor, farms: readonly (FarmExtent & { readonly states: ArrayLike<number> })[], wanted: (state: number) => boolean): Cursor | null {
  const total = farms.reduce((n, f) => n + f.states.length, 0);
  let at = cursor;
  for (let i = 0; i < total; i++) {
    at = moveNode(at, farms, 1);
    if (wanted(farms[at.farm]!.states[at.offset]!)) return at;
  }
  return null;
}
