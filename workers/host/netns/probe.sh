#!/usr/bin/env bash
# Feasibility probe for issue 17 (nodes as network namespaces, Z-Net over wireguard-go).
# Run as root: bash workers/host/netns/probe.sh
# Needs: iproute2, wireguard-go, wireguard-tools, python3. Everything it makes is named zt-probe-*
# and removed on exit (also on failure).
set -euo pipefail
umask 077  # wg genkey warns about world-readable key files otherwise
A=zt-probe-a B=zt-probe-b
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
cleanup() {
  for n in $A $B; do ip netns pids $n 2>/dev/null | xargs -r kill 2>/dev/null || true; done
  sleep 0.5
  for n in $A $B; do ip netns del $n 2>/dev/null || true; done
  rm -f /var/run/wireguard/zt-probe-w*.sock "$KEYDIR"/* ; rmdir "$KEYDIR" 2>/dev/null || true
}
KEYDIR=$(mktemp -d); trap cleanup EXIT
t=$(date +%s%N)
ip netns add $A; ip netns add $B
ip link add zt-probe-va netns $A type veth peer name zt-probe-vb netns $B
ip -n $A addr add 10.99.0.1/24 dev zt-probe-va; ip -n $A link set zt-probe-va up; ip -n $A link set lo up
ip -n $B addr add 10.99.0.2/24 dev zt-probe-vb; ip -n $B link set zt-probe-vb up; ip -n $B link set lo up
echo "two namespaces + veth: $(ms $t) ms"
wg genkey >"$KEYDIR/a"; wg genkey >"$KEYDIR/b"
t=$(date +%s%N)
# -f (foreground) and our own '&': the daemonising mode left zombies and a socket that reset
# the first `wg set` ("Unable to modify interface: Connection reset by peer") in the first try.
ip netns exec $A wireguard-go -f zt-probe-wa >/dev/null 2>&1 &
ip netns exec $B wireguard-go -f zt-probe-wb >/dev/null 2>&1 &
until [ -S /var/run/wireguard/zt-probe-wa.sock ] && [ -S /var/run/wireguard/zt-probe-wb.sock ]; do sleep 0.05; done
echo "two wireguard-go up (UAPI socket present): $(ms $t) ms"
ip netns exec $A wg set zt-probe-wa private-key "$KEYDIR/a" listen-port 51820 \
  peer "$(wg pubkey <"$KEYDIR/b")" endpoint 10.99.0.2:51820 allowed-ips 10.20.2.0/24
ip netns exec $B wg set zt-probe-wb private-key "$KEYDIR/b" listen-port 51820 \
  peer "$(wg pubkey <"$KEYDIR/a")" endpoint 10.99.0.1:51820 allowed-ips 10.20.1.0/24
ip -n $A addr add 10.20.1.1/16 dev zt-probe-wa; ip -n $A link set zt-probe-wa up
ip -n $B addr add 10.20.2.1/16 dev zt-probe-wb; ip -n $B link set zt-probe-wb up
ip netns exec $B timeout 15 python3 -c "
import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('10.20.2.1',7000));s.listen();c,_=s.accept()
while d:=c.recv(64): c.sendall(d)" &
sleep 0.5
ip netns exec $A timeout 10 python3 -c "
import socket,time
t=time.time();c=socket.create_connection(('10.20.2.1',7000),timeout=8);t1=time.time()
c.sendall(b'x');c.recv(1);t2=time.time();c.sendall(b'y');c.recv(1);t3=time.time()
print('TCP connect through the tunnel (includes the WireGuard handshake): %.1f ms; round trips: %.2f ms, %.2f ms'%((t1-t)*1e3,(t2-t1)*1e3,(t3-t2)*1e3))"
ip netns exec $A wg show zt-probe-wa transfer
