// The network panel of the live view: probe delivery (recent and overall), hop stretch, partitions,
// cut links, gateway success and Z-Net reach. Renders a NetworkView; computes nothing.

import { Text } from 'ink';
import type { NetworkView } from '../../scenarios/live.js';

/** Lines the panel takes, so the live view can leave room for it. */
export const networkPanelLines = 2;

const percent = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');

export function NetworkPanel({ network: n }: { readonly network: NetworkView }) {
  const routingColour = !Number.isFinite(n.deliveredFractionRecent) ? undefined : n.deliveredFractionRecent >= 0.99 ? 'green' : n.deliveredFractionRecent >= 0.9 ? 'yellow' : 'red';
  return (
    <>
      <Text wrap="truncate">
        Network routing <Text color={routingColour}>{percent(n.deliveredFractionRecent)}</Text> recent, {percent(n.deliveredFraction)} of {n.probesRouted} probes · stretch{' '}
        {Number.isFinite(n.meanStretch) ? n.meanStretch.toFixed(2) : '–'} · partitions <Text color={n.partitions > 0 ? 'red' : undefined}>{n.partitions}</Text> · links down{' '}
        <Text color={n.linksDown > 0 ? 'yellow' : undefined}>{n.linksDown}</Text>
      </Text>
      <Text wrap="truncate">
        {'        '}gateways ok {percent(n.gatewayOkFraction)} of {n.gatewayRequests} requests · Z-Nets {n.znets}, members cut off{' '}
        <Text color={n.znetMembersCutOff > 0 ? 'red' : undefined}>{n.znetMembersCutOff}</Text>
      </Text>
    </>
  );
}
