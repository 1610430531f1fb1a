// The TUI's root: subscribes to the controller, forwards keys to it, picks the screen by state and
// exits Ink when the controller says so. Computes nothing about the grid.

import { useEffect, useSyncExternalStore } from 'react';
import { Text, useApp, useInput, useStdin, useStdout } from 'ink';
import type { TuiController } from './controller.js';
import { LiveView } from './live-view.js';
import { Picker } from './picker.js';

export interface AppProps {
  readonly controller: TuiController;
}

export function App({ controller }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  // Raw mode only exists on a terminal; without one, keys cannot be read and useInput would throw.
  useInput((input, key) => void controller.key(input, key), { isActive: isRawModeSupported === true });
  useEffect(() => {
    if (state.quitting) exit();
  }, [state.quitting, exit]);
  const columns = stdout.columns ?? 100;
  const rows = stdout.rows ?? 30;
  if (state.screen === 'pick') return <Picker choices={state.choices} selected={state.selected} columns={columns} />;
  // Opening takes a moment over BullMQ (a redis-server to start): say so rather than show nothing.
  if (state.screen === 'loading' || state.snapshot === undefined) return <Text>zos-testbed tui · {state.message === '' ? 'opening…' : state.message}</Text>;
  return <LiveView state={state} columns={columns} rows={rows} />;
}
