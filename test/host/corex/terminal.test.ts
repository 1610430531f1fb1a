// CoreX's web terminal in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// the page at /attach/<id> replays a process's output, and typing `echo hi` into a shell on its TTY
// shows `hi`. The screenshot lands in COREX_SHOT (default the test's temp dir) and its path is logged.
// Skipped where chromium is absent.

import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { waitUntil } from '../../helpers/wait.js';
import { hasChromium, launchChromium, screen } from './chromium.js';
import { corexMachine } from './fixture.js';

const withChromium = hasChromium() ? test.serial : test.skip;

withChromium('the web terminal shows a process output and takes typed input', async (t) => {
  const { client } = await corexMachine(t, 'cx_web');
  const dir = mkdtempSync(join(tmpdir(), 'corex-chromium-'));
  const browser = await launchChromium();
  // The screenshot's directory stays for a person to look at.
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });

  // Output written before anyone attached is replayed from corex's log buffer.
  const printer = await client.start(['/bin/sh', '-c', 'echo "corex-says-hello to $WHO"; exec /bin/sleep 1000']);
  await waitUntil('printer output', () => client.logs(printer.id), { until: (text) => text.includes('corex-says-hello') });
  await page.goto(`${client.baseUrl}/attach/${printer.id}`);
  t.regex(await waitUntil('the replayed output', () => screen(page), { until: (text) => text.includes('corex-says-hello') }), /corex-says-hello to corex/);
  t.regex(await page.title(), /\/bin\/sh -c echo/, "corex's window title message: the command and the host");

  // An interactive shell on its TTY: what is typed in the page reaches it, and its answer comes back.
  const shell = await client.start(['/bin/sh']);
  await page.goto(`${client.baseUrl}/attach/${shell.id}`);
  await page.waitForSelector('body[data-state="open"]');
  await page.locator('.xterm').click();
  await page.keyboard.type('echo hi; echo "from $WHO"');
  await page.keyboard.press('Enter');
  const text = await waitUntil('the shell answered', () => screen(page), { until: (s) => /^hi$/m.test(s) && /^from corex$/m.test(s) });
  t.regex(text, /echo hi; echo "from \$WHO"/, 'the typed line is echoed by the TTY');
  t.regex(text, /^hi$/m);
  const shot = join(process.env['COREX_SHOT'] ?? dir, 'corex-terminal.png');
  await page.screenshot({ path: shot });
  t.true(statSync(shot).size > 1000);
  t.log(`screenshot: ${shot}`);

  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-state="closed"]');
  // The shell left: corex reports it stopped, and the page's websocket was closed.
  const ended = await waitUntil('the shell ended', async () => (await client.processes()).find((p) => p.id === shell.id), { until: (p) => p?.state === 'stopped' });
  t.is(ended?.signal, undefined, 'it exited on its own');
});
