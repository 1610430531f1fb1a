// report.html rendered by a real headless Chromium (Debian's `chromium`): the DOM holds the title
// and every chart, and the screenshot shows the charts' colours. Skipped where chromium is absent.

import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { palette } from '../../reports/html/frame.js';
import { writeReports } from '../../reports/write-reports.js';
import { fixtureRun } from '../helpers/reports-fixture.js';
import { countColour, decodePng } from '../helpers/reports-png.js';

const chromium = '/usr/bin/chromium';
// scripts/ensure-debian-package.sh installs it before `npm test` (as root); without it there is nothing to run.
const withChromium = existsSync(chromium) ? test.serial : test.skip;
const run = promisify(execFile);

/** Flags that keep a headless run private and offline: no profile reuse, no updates, no sync. */
function flags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
  ];
}

withChromium('chromium renders report.html: title and every SVG chart in the DOM, chart colours on screen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reports-chromium-'));
  try {
    writeReports(fixtureRun({ durationS: 3 * 86400 }), dir);
    const url = pathToFileURL(join(dir, 'report.html')).href;
    const { stdout: dom } = await run(chromium, [...flags(join(dir, 'profile')), '--dump-dom', url], { timeout: 90_000, maxBuffer: 64 * 2 ** 20 });
    t.regex(dom, /<title>zos-testbed report — synthetic &lt;fixture&gt; &amp; co, seed fixture<\/title>/);
    t.is(dom.match(/<svg class="chart"/g)?.length, 8);
    for (const id of ['chart-utilisation', 'chart-nodes', 'chart-latency', 'chart-op-latency']) t.true(dom.includes(`id="${id}"`), id);
    t.true((dom.match(/<path /g)?.length ?? 0) >= 10);
    t.true(dom.includes('<table>'));

    const shot = join(dir, 'report.png');
    await run(chromium, [...flags(join(dir, 'profile')), '--window-size=900,2600', `--screenshot=${shot}`, url], { timeout: 90_000 });
    const png = decodePng(readFileSync(shot));
    t.is(png.width, 900);
    // Lines and bars in the first three series colours are visibly drawn, not just present in the DOM.
    for (const colour of palette.slice(0, 3)) {
      const pixels = countColour(png, colour);
      t.true(pixels > 500, `${colour}: ${pixels} pixels`);
    }
    t.log(`screenshot ${png.width}×${png.height}, ${countColour(png, palette[0])} pixels in ${palette[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
