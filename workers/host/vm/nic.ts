// A VM zmachine's NIC as qemu arguments. Today: qemu's user-mode network with host-forwarded TCP
// ports (tests reach a guest service at 127.0.0.1:<hostPort>). The seam for the Z-Net: a tap device
// that the node's network namespace owns, qemu started inside that namespace (zos: one tap per private
// network, made by networkd, `SetupPrivTap`, and cloud-hypervisor `--net tap=…,mac=…`).

import { InputError } from '../../../sim/errors.js';

export interface PortForward {
  readonly hostPort: number;
  readonly guestPort: number;
}

export type VmNic =
  | { readonly kind: 'user'; readonly forwards: readonly PortForward[] }
  /** Not wired to the Z-Net yet: the netns helper creates `ifname` in `netns` and hands it over. */
  | { readonly kind: 'tap'; readonly ifname: string; readonly mac: string; readonly netns: string; readonly ipCidr: string; readonly gateway: string };

/** qemu's user-mode network: the guest is 10.0.2.15/24 behind the gateway 10.0.2.2. */
export const USER_NET = { ipCidr: '10.0.2.15/24', gateway: '10.0.2.2' } as const;

function port(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new InputError('zmachine', field, 'must be a TCP port (1..65535)');
  return value;
}

export function checkNic(nic: VmNic): VmNic {
  if (nic.kind === 'user') {
    nic.forwards.forEach((f, i) => {
      port(f.hostPort, `nic.forwards[${i}].hostPort`);
      port(f.guestPort, `nic.forwards[${i}].guestPort`);
    });
    return nic;
  }
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(nic.ifname)) throw new InputError('zmachine', 'nic.ifname', 'must be a Linux interface name (≤ 15 characters)');
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(nic.mac)) throw new InputError('zmachine', 'nic.mac', 'must be a lowercase MAC address');
  return nic;
}

/** `-netdev`/`-device` arguments, the guest's address for the kernel command line, and the netns to run in. */
export function nicArgs(nic: VmNic): { args: string[]; ipCidr: string; gateway: string; netns: string | undefined } {
  if (nic.kind === 'user') {
    const fwd = nic.forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
    return { args: ['-netdev', `user,id=n0${fwd}`, '-device', 'virtio-net-pci,netdev=n0'], ...USER_NET, netns: undefined };
  }
  return {
    args: ['-netdev', `tap,id=n0,ifname=${nic.ifname},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${nic.mac}`],
    ipCidr: nic.ipCidr,
    gateway: nic.gateway,
    netns: nic.netns,
  };
}
