// The scenario list the TUI opens with when no scenario was named. Renders the choices and the
// selection it is given; moving and starting are the controller's.

import { Box, Text } from 'ink';
import type { ScenarioChoice } from './state.js';
import { pickHelp } from './help-line.js';

export interface PickerProps {
  readonly choices: readonly ScenarioChoice[];
  readonly selected: number;
  readonly columns: number;
}

export function Picker({ choices, selected, columns }: PickerProps) {
  const width = Math.max(...choices.map((c) => c.name.length));
  return (
    <Box flexDirection="column">
      <Text bold>zos-testbed tui · pick a scenario</Text>
      {choices.map((c, i) => (
        <Text key={c.name} inverse={i === selected} wrap="truncate">
          {`${i === selected ? '›' : ' '} ${c.name.padEnd(width)}  ${c.description}`.slice(0, Math.max(20, columns - 1))}
        </Text>
      ))}
      <Text dimColor>{pickHelp}</Text>
    </Box>
  );
}
