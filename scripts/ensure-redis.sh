#!/bin/sh
# Makes sure redis-server is installed before the tests, which start their own private servers.
# It never starts, stops or configures a redis service; it only installs the Debian package.

command -v redis-server >/dev/null 2>&1 && exit 0

hint="redis-server is missing: run 'sudo apt-get install -y redis-server' (Debian) and retry"

# Only root can install, and only where apt-get exists; anyone else gets the one-line how-to.
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$hint" >&2
  exit 1
fi

echo "redis-server is missing: installing it with apt-get (Debian package redis-server)" >&2
# CI has no stdin and no terminal, so debconf must not ask anything.
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; } </dev/null; then
  echo "$hint" >&2
  exit 1
fi

# A package that installed but left no binary on PATH would fail every redis test later, less clearly.
command -v redis-server >/dev/null 2>&1 || { echo "$hint" >&2; exit 1; }
