// Foreground servers (`worker`, `zdb`) run until SIGTERM or SIGINT, then close cleanly and exit 0.

/** Resolves on the first SIGTERM or SIGINT, and stops listening for both. */
export function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
