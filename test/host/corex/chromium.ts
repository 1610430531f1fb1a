// Headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) for the CoreX page tests,
// optionally run inside a network namespace (a seat in a Z-Net) through a small wrapper script.

import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const chromiumPath = '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

/**
 * The part of playwright-core used here. Its own .d.ts files need the DOM lib, which this Node project's
 * strict lib check does not load, so the module is imported untyped and described by this interface.
 */
export interface Page {
  goto(url: string): Promise<unknown>;
  title(): Promise<string>;
  evaluate<T>(expression: string): Promise<T>;
  waitForSelector(selector: string): Promise<unknown>;
  locator(selector: string): { click(): Promise<void> };
  keyboard: { type(text: string): Promise<void>; press(key: string): Promise<void> };
  screenshot(options: { path: string }): Promise<unknown>;
}
export interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
const playwrightModule: string = 'playwright-core';

/**
 * Launches Chromium; with `netns` it runs inside that network namespace (`ip netns exec` execs in
 * place, so playwright's pipe on fds 3 and 4 reaches the browser), the wrapper written to `dir`.
 */
export async function launchChromium(netns?: { name: string; dir: string }): Promise<Browser> {
  let executablePath = chromiumPath;
  if (netns !== undefined) {
    executablePath = join(netns.dir, `chromium-in-${netns.name}`);
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${netns.name} ${chromiumPath} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const { chromium } = (await import(playwrightModule)) as { chromium: { launch(options: object): Promise<Browser> } };
  return chromium.launch({ executablePath, args });
}

/** The terminal's screen as text, read from xterm's buffer (window.term, as corex's page exposes it). */
export function screen(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const buffer = window.term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\\n');
  })()`);
}
