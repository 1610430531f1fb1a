// The key help shown on every screen of the TUI, in one place so the picker and live view agree.
// Leaves out what the keys do (controller.ts).

export const liveHelp = 'space pause · s step · +/- speed · k kill node · d fail disk · p partition · r reboot · h heal · w report · q quit';
export const pickHelp = '↑/↓ choose · Enter start · q quit';
