// A wall clock for tests that moves only when slept on, so real-time pacing can be checked exactly.
import type { WallSource } from '../../sim/engine/realtime.js';

export function fakeWall(): WallSource & { ms: number } {
  const wall = {
    ms: 0,
    nowMs: () => wall.ms,
    sleepMs: async (ms: number) => {
      wall.ms += ms;
    },
  };
  return wall;
}
