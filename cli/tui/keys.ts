// Key presses as commands: one table from what Ink reports to what the controller does, so that the
// help line and the keys can be checked against each other. Leaves out doing them (controller.ts).

/** The parts of Ink's Key that the TUI reads. */
export interface KeyInfo {
  readonly return?: boolean;
  readonly tab?: boolean;
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
}

/** Faults aimed at the cursor (`at: 'cursor'`) or at the next target round robin (`at: 'next'`). */
export type FaultKind = 'kill' | 'repair' | 'disk' | 'reboot' | 'partition';

export type Command =
  | { readonly kind: 'quit' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'step' }
  | { readonly kind: 'speed'; readonly step: 1 | -1 }
  | { readonly kind: 'farm'; readonly step: 1 | -1 }
  | { readonly kind: 'node'; readonly step: 1 | -1 }
  | { readonly kind: 'next-down' }
  | { readonly kind: 'fault'; readonly fault: FaultKind; readonly at: 'cursor' | 'next' }
  | { readonly kind: 'heal' }
  | { readonly kind: 'report' };

const byInput: Readonly<Record<string, Command>> = {
  q: { kind: 'quit' },
  ' ': { kind: 'pause' },
  s: { kind: 'step' },
  '+': { kind: 'speed', step: 1 },
  '=': { kind: 'speed', step: 1 },
  '-': { kind: 'speed', step: -1 },
  ']': { kind: 'farm', step: 1 },
  '[': { kind: 'farm', step: -1 },
  '>': { kind: 'node', step: 1 },
  '.': { kind: 'node', step: 1 },
  '<': { kind: 'node', step: -1 },
  ',': { kind: 'node', step: -1 },
  k: { kind: 'fault', fault: 'kill', at: 'cursor' },
  r: { kind: 'fault', fault: 'repair', at: 'cursor' },
  d: { kind: 'fault', fault: 'disk', at: 'cursor' },
  b: { kind: 'fault', fault: 'reboot', at: 'cursor' },
  p: { kind: 'fault', fault: 'partition', at: 'cursor' },
  K: { kind: 'fault', fault: 'kill', at: 'next' },
  R: { kind: 'fault', fault: 'repair', at: 'next' },
  D: { kind: 'fault', fault: 'disk', at: 'next' },
  B: { kind: 'fault', fault: 'reboot', at: 'next' },
  P: { kind: 'fault', fault: 'partition', at: 'next' },
  h: { kind: 'heal' },
  w: { kind: 'report' },
};

/** The live view's command for a key, or undefined for a key it ignores. */
export function liveCommand(input: string, key: KeyInfo = {}): Command | undefined {
  if (key.upArrow === true) return { kind: 'farm', step: -1 };
  if (key.downArrow === true) return { kind: 'farm', step: 1 };
  if (key.leftArrow === true) return { kind: 'node', step: -1 };
  if (key.rightArrow === true) return { kind: 'node', step: 1 };
  if (key.tab === true || input === '\t') return { kind: 'next-down' };
  return byInput[input];
}

/** The keys liveCommand knows, as typed characters (the help line's test reads them). */
export const liveKeys: readonly string[] = Object.keys(byInput);
