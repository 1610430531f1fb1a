// VM-mode zmachines on hosts: the container-or-VM decision, qemu's command line, the NIC seam and the test guest.

export { detectFlistBoot, type FlistBoot } from './flist-boot.js';
export { DEFAULT_GUEST_CACHE, ensureVmGuest, type VmGuest } from './guest.js';
export { checkNic, nicArgs, USER_NET, type PortForward, type VmNic } from './nic.js';
export { findQemu, kernelCmdline, probeAccel, qemuLaunch, QEMU_OVERHEAD_BYTES, ROOT_TAG, type Accel } from './qemu.js';
