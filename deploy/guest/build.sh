#!/usr/bin/env bash
# Builds the test guest from Debian packages: Debian's cloud kernel, a busybox-static initramfs
# with virtio networking and deploy/guest/workload.c compiled statically. Prints the directory that
# holds vmlinuz and initrd.img. Cached under .cache/guest/KEY (KEY: the kernel's and busybox's
# versions and a digest of the guest's sources): a second run with nothing changed does nothing.
# As root on Debian (it installs what it needs).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
die() { echo "guest: $*" >&2; exit 1; }
# shellcheck source=deploy/lib.sh
source "$here/../lib.sh"

ensure_packages guest busybox-static cpio gcc libc6-dev xz-utils || exit 1

kernel=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' 2>/dev/null \
  | awk '{print $1}' | sort -V | tail -1)
if [[ -z $kernel ]]; then
  apt-get update -q >&2 || die "apt-get update failed"
  kernel=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' \
    | awk '{print $1}' | sort -V | tail -1)
fi
[[ -n $kernel ]] || die "no Debian cloud kernel package (linux-image-6.1.0-N-cloud-amd64) found"
kernel_version=$(apt-cache policy "$kernel" | awk '/Candidate:/ {print $2}')
busybox_version=$(dpkg-query -W -f='${Version}' busybox-static)
sources=$(cat "$here/workload.c" "$here/init" "$0" | sha256sum | cut -c1-12)
key="$kernel-$kernel_version-busybox-$busybox_version-$sources"
key=${key//[^A-Za-z0-9._-]/_}
out="$root/.cache/guest/$key"
if [[ -f $out/vmlinuz && -f $out/initrd.img ]]; then
  echo "$out"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$kernel" >&2) || die "cannot download $kernel"
dpkg-deb -x "$work"/"$kernel"_*.deb "$work/kernel"
mkdir -p "$work/initramfs"/{bin,dev,proc,sys,lib/modules}
for module in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover \
    net_failover virtio_net; do
  file=$(find "$work/kernel/lib/modules" -name "$module.ko*" | head -1)
  if [[ -z $file ]]; then
    # Built into this kernel: nothing to load.
    grep -q "/$module.ko" "$work/kernel/lib/modules"/*/modules.builtin 2>/dev/null \
      || echo "guest: $module is neither a module nor built in; networking may not come up" >&2
    continue
  fi
  case $file in
    *.ko.xz) xz -dc "$file" > "$work/initramfs/lib/modules/$module.ko" ;;
    *.ko) cp "$file" "$work/initramfs/lib/modules/$module.ko" ;;
    *) die "unknown module format: $file" ;;
  esac
done
cp /bin/busybox "$work/initramfs/bin/busybox"
file "$work/initramfs/bin/busybox" 2>/dev/null | grep -q "statically linked" \
  || ldd /bin/busybox 2>&1 | grep -q "not a dynamic" || die "/bin/busybox is not busybox-static"
cp "$here/init" "$work/initramfs/init"
chmod 755 "$work/initramfs/init"
gcc -static -O2 -Wall -Werror -o "$work/initramfs/workload" "$here/workload.c" \
  || die "cannot compile the workload"
mkdir -p "$out.tmp"
cp "$work"/kernel/boot/vmlinuz-* "$out.tmp/vmlinuz"
(cd "$work/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp/initrd.img"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "guest: built $out ($(du -sh "$out" | cut -f1))" >&2
echo "$out"
