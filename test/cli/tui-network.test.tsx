// The network panel: it shows the figures of the NetworkView it is given, the live view shows it only
// for scenarios that use the network, and in a real run a farm partition shows up in it and heals.
import test from 'ava';
import { render } from 'ink-testing-library';
import { App } from '../../cli/tui/app.js';
import { TuiController } from '../../cli/tui/controller.js';
import { NetworkPanel } from '../../cli/tui/network-panel.js';
import type { NetworkView } from '../../scenarios/live.js';
import { waitUntil } from '../helpers/wait.js';

const view: NetworkView = {
  deliveredFractionRecent: 0.625,
  deliveredFraction: 0.9731,
  probesRouted: 1480,
  meanStretch: 1.1449,
  partitions: 1,
  linksDown: 3,
  gatewayRequests: 40,
  gatewayOkFraction: 0.95,
  znets: 2,
  znetMembersCutOff: 1,
};

test('network panel: routing, stretch, partitions, links down, gateway and Z-Net figures', (t) => {
  const { lastFrame, unmount } = render(<NetworkPanel network={view} />);
  t.teardown(unmount);
  const frame = lastFrame() ?? '';
  t.log(frame);
  t.regex(frame, /Network routing 62\.5 % recent, 97\.3 % of 1480 probes/);
  t.regex(frame, /stretch 1\.14/);
  t.regex(frame, /partitions 1 · links down 3/);
  t.regex(frame, /gateways ok 95\.0 % of 40 requests · Z-Nets 2, members cut off 1/);
});

test('network panel: nothing measured yet shows dashes, not NaN', (t) => {
  const empty = { ...view, deliveredFractionRecent: NaN, deliveredFraction: NaN, probesRouted: 0, meanStretch: NaN, gatewayRequests: 0, gatewayOkFraction: NaN };
  const { lastFrame, unmount } = render(<NetworkPanel network={empty} />);
  t.teardown(unmount);
  t.notRegex(lastFrame() ?? '', /NaN/);
  t.regex(lastFrame() ?? '', /routing – recent, – of 0 probes · stretch –/);
});

function start(t: { teardown(fn: () => void): void }, scenario: string) {
  const controller = new TuiController({ scenario, paused: true, reportDir: 'unused', record: false });
  const app = render(<App controller={controller} />);
  t.teardown(async () => {
    app.unmount();
    await controller.close();
  });
  return { controller, app, frame: (): string => app.lastFrame() ?? '' };
}

test('live view: a network scenario shows the panel; p partitions a farm for real, h heals it', async (t) => {
  const { app, frame } = start(t, 'net-farm-partition-healed');
  await waitUntil('the panel', frame, { until: (f) => /Network routing/.test(f) });
  t.regex(frame(), /partitions 0 · links down 0/);
  for (let i = 0; i < 3; i++) app.stdin.write('s');
  await waitUntil('t=3m', frame, { until: (f) => f.includes('t=3m') });
  t.regex(frame(), /routing 100\.0 % recent, 100\.0 % of \d+ probes/, 'no fault yet: every probe delivered');

  app.stdin.write('p');
  await waitUntil('a partition', frame, { until: (f) => /partitions 1 · links down 3/.test(f) });
  t.regex(frame(), /Nodes 100: up 100 standby 0 down 0/, 'a real partition: nodes stay on');
  t.regex(frame(), /farm-north cut off from the network/);
  app.stdin.write('s');
  await waitUntil('t=4m', frame, { until: (f) => f.includes('t=4m') });
  const recent = Number(/routing ([\d.]+) % recent/.exec(frame())?.[1]);
  t.true(recent < 90, `recent delivery ${recent} % while a quarter of the grid is cut off`);
  t.log(frame());

  app.stdin.write('h');
  await waitUntil('healed', frame, { until: (f) => /partitions 0 · links down 0/.test(f) });
  t.regex(frame(), /network partition healed/);
});

test('live view: a scenario without the network has no panel', async (t) => {
  const { frame } = start(t, 'hub-unreachable');
  await waitUntil('the live view', frame, { until: (f) => /Workloads ok/.test(f) });
  t.notRegex(frame(), /Network routing/);
});
