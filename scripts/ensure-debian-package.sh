#!/bin/sh
# Makes sure a Debian package the tests need is installed: `ensure-debian-package.sh BINARY PACKAGE
# required|optional`. It installs as root with apt-get; anyone else gets a one-line how-to. It never
# starts a service (tests start their own private servers). An optional package's absence is not an
# error: the tests that need it skip themselves.

binary=$1
package=$2
need=${3:-required}

command -v "$binary" >/dev/null 2>&1 && exit 0

hint="$binary is missing: run 'sudo apt-get install -y $package' (Debian) and retry"
missing_status=1
[ "$need" = optional ] && missing_status=0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$hint" >&2
  exit $missing_status
fi

echo "$binary is missing: installing it with apt-get (Debian package $package)" >&2
# CI has no stdin and no terminal, so debconf must not ask anything.
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; } </dev/null; then
  echo "$hint" >&2
  exit 1
fi

# A package that installed but left no binary on PATH would fail (or silently skip) tests later.
command -v "$binary" >/dev/null 2>&1 || { echo "$hint" >&2; exit 1; }
