// Where the observability servers (/metrics, the dashboard) listen: loopback unless a host is given,
// as what they show names queues, nodes and namespaces. Leaves out what they serve.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const loopbackHost = '127.0.0.1';

/** Listens on `port` (0: any free one) at `host` (default loopback); resolves with the base URL, like http://127.0.0.1:9100. */
export async function listenHttp(server: Server, port: number, host: string = loopbackHost): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  // An IPv6 address is bracketed in a URL.
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
