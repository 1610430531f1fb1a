// report.html and plan.html rendered by a real headless Chromium (Debian's `chromium`): the DOM holds
// the title and every chart, and the screenshot shows the charts' colours. Skipped where chromium is absent.

import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { palette } from '../../reports/html/frame.js';
import { writePlanReports } from '../../reports/plan-write.js';
import { writeReports } from '../../reports/write-reports.js';
import type { PlanResult } from '../../scenarios/plan.js';
import { cli } from '../helpers/cli.js';
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

withChromium('chromium renders capacity-10k-year\'s report.html (30 simulated days): headline, latency bands and availability on screen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'capacity-chromium-'));
  try {
    // The built-in as `run` writes it, cut to 30 days of its year so that the test stays in seconds.
    const r = await cli('run', 'capacity-10k-year', '--until', '30d', '--out', dir);
    t.is(r.code, 0, r.stderr);
    const url = pathToFileURL(join(dir, 'report.html')).href;
    const { stdout: dom } = await run(chromium, [...flags(join(dir, 'profile')), '--dump-dom', url], { timeout: 90_000, maxBuffer: 256 * 2 ** 20 });
    t.regex(dom, /<title>zos-testbed report — capacity-10k-year, seed 1<\/title>/);
    t.regex(dom, /class="headline"><p>Deployment availability: lowest [\d.]+ %/);
    t.regex(dom, /Headroom: memory \(mru\) runs out first/);
    for (const id of ['chart-utilisation', 'chart-nodes', 'chart-latency', 'chart-availability', 'chart-healing', 'chart-op-latency']) t.true(dom.includes(`id="${id}"`), id);
    // Thousands of buckets: the time charts draw bins of whole hours, the latency bands at most 60 bins, not a wall of points.
    t.regex(dom, />simulated time \(days\), bin start; bins of \d+h \(\d+ buckets of \d+ s\)<\/text>/);
    const latency = dom.slice(dom.indexOf('id="chart-latency"'), dom.indexOf('</svg>', dom.indexOf('id="chart-latency"')));
    t.regex(latency, />simulated time \(days\), bins of (\d+h|1d)<\/text>/);
    const rects = latency.split('<rect').length - 1;
    t.true(rects >= 3 + 2 * 20 && rects <= 3 + 2 * 60, `${rects} rects: three legend keys and 20 to 60 bins in each band`);
    const shot = join(dir, 'report.png');
    await run(chromium, [...flags(join(dir, 'profile')), '--window-size=1280,2000', `--screenshot=${shot}`, url], { timeout: 90_000 });
    const png = decodePng(readFileSync(shot));
    t.is(png.width, 1280);
    // The median line and the p50–p95 band's tint are on screen, not only in the DOM.
    for (const colour of [palette[0], '#80B9D8']) t.true(countColour(png, colour) > 300, `${colour}: ${countColour(png, colour)} pixels`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A plan's result as scenarios/plan.ts returns it: three levels met, the fourth not within bounds. */
function planResult(): PlanResult {
  const level = (demand: number, nodes: number, sloMet: boolean) => ({ demand, nodes, size: nodes, sloMet, binding: `memory on farmer-server nodes runs out first at ${demand}× demand`, metrics: {}, samples: {} });
  return { frontier: [level(1, 4, true), level(2, 7, true), level(4, 13, true), level(8, 20, false)], evaluatedRuns: 30, fullGridRuns: 240, seeds: ['1.1', '1.2', '1.3'], sizes: { min: 1, max: 20 } };
}

withChromium('chromium renders plan.html: the headline, the frontier chart and a row per level, colours on screen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-chromium-'));
  try {
    writePlanReports(planResult(), 'grid.farms[0].nodes[0].count', dir, 'zos-testbed plan — test');
    const url = pathToFileURL(join(dir, 'plan.html')).href;
    const { stdout: dom } = await run(chromium, [...flags(join(dir, 'profile')), '--dump-dom', url], { timeout: 90_000, maxBuffer: 64 * 2 ** 20 });
    t.regex(dom, /class="headline">Up to 4× demand, 13 nodes meet the SLO\. At 8× nothing up to 20 nodes does/);
    t.is(dom.match(/<svg class="chart"/g)?.length, 1);
    t.is(dom.match(/<tr>/g)?.length, 5, 'a header and four levels');
    const shot = join(dir, 'plan.png');
    await run(chromium, [...flags(join(dir, 'profile')), '--window-size=900,900', `--screenshot=${shot}`, url], { timeout: 90_000 });
    const png = decodePng(readFileSync(shot));
    // The met levels' line in the first colour, the level not met as a dot in the second.
    t.true(countColour(png, palette[0]) > 100, `${countColour(png, palette[0])} pixels in ${palette[0]}`);
    t.true(countColour(png, palette[1]) > 10, `${countColour(png, palette[1])} pixels in ${palette[1]}`);
    t.log(`plan screenshot ${png.width}×${png.height}: ${countColour(png, palette[0])} px of the frontier line, ${countColour(png, palette[1])} px of the unmet level`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
