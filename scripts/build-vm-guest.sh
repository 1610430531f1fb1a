#!/bin/sh
# Builds the smallest real VM-mode zmachine flist: a Debian kernel plus a busybox initramfs, laid out
# as zos detects a VM flist (/boot/vmlinuz + /boot/initrd.img; zosbase pkg/primitives/vm/utils.go
# getFlistInfo), with busybox as the root's userland. Usage: build-vm-guest.sh OUT_DIR
# The kernel is $VM_KERNEL, else the newest /boot/vmlinuz-*, else extracted from Debian's
# linux-image-amd64 with apt-get download + dpkg-deb -x into OUT_DIR/../kernel. Nothing is downloaded
# from anywhere but the Debian archive. Prints the root directory on success; rebuilds only when the
# kernel or this script changed.
set -eu
out=${1:?usage: build-vm-guest.sh OUT_DIR}
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || { echo "a static busybox is missing: apt-get install -y busybox-static" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Test files build in parallel: one builder at a time, the others then find the cache fresh.
exec 9>"$out/lock"
command -v flock >/dev/null 2>&1 && flock 9

find_kernel() {
  if [ -n "${VM_KERNEL:-}" ]; then echo "$VM_KERNEL"; return; fi
  k=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$k" ] && [ -r "$k" ]; then echo "$k"; return; fi
  cache="$out/../kernel"
  k=$(ls -1 "$cache"/boot/vmlinuz-* 2>/dev/null | tail -n 1 || true)
  if [ -z "$k" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
    [ -n "$pkg" ] || { echo "no kernel: apt-get install -y linux-image-amd64 (or set VM_KERNEL)" >&2; exit 2; }
    mkdir -p "$cache" && (cd "$cache" && apt-get download "$pkg" >&2 && dpkg-deb -x ./*.deb . && rm -f ./*.deb)
    k=$(ls -1 "$cache"/boot/vmlinuz-* | tail -n 1)
  fi
  echo "$k"
}

kernel=$(find_kernel)
version=${kernel##*/vmlinuz-}
moddir=$(dirname "$(dirname "$kernel")")/lib/modules/$version
[ -d "$moddir" ] || moddir=/lib/modules/$version
[ -f "$moddir/modules.dep" ] || { echo "no modules for $version at $moddir" >&2; exit 2; }
stamp="$kernel $(cksum < "$0")"
root="$out/root"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] && [ -f "$root/boot/initrd.img" ]; then echo "$root"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Modules (with their dependencies first) for the NIC and the 9p root: the Debian kernel has them as modules.
order=''
add_module() {
  local line dep path name
  line=$(grep -E "/$1\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n 1)
  [ -n "$line" ] || { grep -qE "/$1\.ko" "$moddir/modules.builtin" && return 0; echo "module $1 not found for $version" >&2; exit 2; }
  for dep in $(echo "$line" | cut -d: -f2); do add_module "$(basename "$dep" | sed -E 's/\.ko(\.xz|\.zst|\.gz)?$//')"; done
  path=${line%%:*}
  name=$(basename "$path" | sed -E 's/\.ko(\.xz|\.zst|\.gz)?$//')
  case " $order " in *" $name "*) return 0 ;; esac
  mkdir -p "$work/initrd/lib/modules"
  case "$path" in
    *.xz) xz -dc "$moddir/$path" ;; *.zst) zstd -dc "$moddir/$path" ;; *.gz) gzip -dc "$moddir/$path" ;; *) cat "$moddir/$path" ;;
  esac > "$work/initrd/lib/modules/$name.ko"
  order="$order $name"
}
for m in virtio_net 9pnet_virtio 9p; do add_module "$m"; done
echo "$order" > "$work/initrd/modules.order"

mkdir -p "$work/initrd/bin" "$work/initrd/proc" "$work/initrd/sys" "$work/initrd/dev" "$work/initrd/newroot"
cp "$busybox" "$work/initrd/bin/busybox"
# The initramfs /init: NIC and 9p root up, then the entrypoint (the kernel's init=, as zos passes it)
# becomes PID 1 in the root. `zmachine.ip`/`zmachine.gw` on the command line are our extension (zos
# hands the network to the guest in a cloud-init image).
cat > "$work/initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod /lib/modules/$m.ko || echo "zmachine-init: insmod $m failed"; done
entry=/sbin/init; ip=''; gw=''; roottag=''
for word in $(cat /proc/cmdline); do
  case "$word" in init=*) entry=${word#init=} ;; zmachine.ip=*) ip=${word#zmachine.ip=} ;; zmachine.gw=*) gw=${word#zmachine.gw=} ;; root=*) roottag=${word#root=} ;; esac
done
ip link set lo up
if [ -n "$ip" ]; then ip link set eth0 up && ip addr add "$ip" dev eth0 && { [ -z "$gw" ] || ip route add default via "$gw"; }; fi
# Devices probe after the modules load: wait for the root's tag as zos's rootdelay=30 does.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro "${roottag:-vroot}" /newroot 2>/dev/null; do
  tries=$((tries + 1)); [ $tries -lt 150 ] || { echo "zmachine-init: cannot mount the 9p root ${roottag:-vroot}"; cat /proc/filesystems; ls /sys/bus/virtio/devices; exit 1; }
  sleep 0.2
done
for d in proc sys dev; do [ -d /newroot/$d ] && mount --move /$d /newroot/$d; done
[ -d /newroot/tmp ] && mount -t tmpfs tmpfs /newroot/tmp
echo "zmachine-init: exec $entry"
exec switch_root /newroot $entry "$@"
INIT
chmod 755 "$work/initrd/init"

rm -rf "$root.new" && mkdir -p "$root.new/boot" "$root.new/bin" "$root.new/sbin" "$root.new/proc" "$root.new/sys" "$root.new/dev" "$root.new/tmp" "$root.new/srv"
(cd "$work/initrd" && find . | cpio -o -H newc --quiet | gzip -1) > "$root.new/boot/initrd.img"
cp "$kernel" "$root.new/boot/vmlinuz"
cp "$busybox" "$root.new/bin/busybox"
for applet in sh httpd nc echo cat sleep; do ln -s busybox "$root.new/bin/$applet"; done
# Entrypoints: a web server answering on 8080, and a guest whose init exits (kernel panic, panic=1).
printf '#!/bin/sh\necho "zmachine-guest: serving on 8080 ($GREETING)"\nexec /bin/httpd -f -p 8080 -h /srv\n' > "$root.new/sbin/serve"
printf '#!/bin/sh\necho "zmachine-guest: crashing"\nexit 3\n' > "$root.new/sbin/crash"
chmod 755 "$root.new/sbin/serve" "$root.new/sbin/crash"
echo 'hello from a VM zmachine' > "$root.new/srv/index.html"
rm -rf "$root" && mv "$root.new" "$root"
echo "$stamp" > "$out/stamp"
echo "$root"
