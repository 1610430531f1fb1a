#!/bin/sh
# What zos-testbed's host backend may leave on this machine when a cleanup fails (issue 17): network
# namespaces (`ztb-<run>-…` for nodes and farms, `zn<run>-…` for Z-Net resources), interfaces in the
# root namespace (`zt<run>…`), WireGuard UAPI sockets (/var/run/wireguard/zt*, zn*), and wireguard-go
# and qemu processes (ours carry `zmachine.ip=` on qemu's kernel command line). Prints one line per
# leftover and exits 1 if there is any; prints nothing and exits 0 otherwise. Reads only.
found=0
say() { echo "leftover $1"; found=1; }
if command -v ip >/dev/null 2>&1; then
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^(ztb-|zn[a-z0-9]{4}-)'); do say "namespace $ns"; done
  for dev in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(zt|zn)[a-z0-9]'); do say "interface $dev"; done
fi
for sock in /var/run/wireguard/zt* /var/run/wireguard/zn*; do [ -e "$sock" ] && say "socket $sock"; done
for pid in $(pgrep -x wireguard-go 2>/dev/null); do
  args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
  case "$args" in *" zt"*|*" zn"*) say "process $pid $args" ;; esac
done
for pid in $(pgrep -f 'qemu-system.*zmachine\.ip=' 2>/dev/null); do say "process $pid $(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -c1-120)"; done
exit $found
