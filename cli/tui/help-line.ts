// The key help shown on every screen of the TUI, in one place so the picker and live view agree.
// Leaves out what the keys do (keys.ts maps them; a test checks this line against that table).

export const liveHelp =
  'space pause · s step · +/- speed · [/] ↑/↓ farm · </> ←/→ node · tab next down node · k kill · r repair · d disk · b reboot · p partition (at the cursor; K R D B P: next one round robin) · h heal all · w report · q quit';
export const pickHelp = '↑/↓ choose · Enter start · q quit';
