#!/usr/bin/env bash
# The browser tests (test/console.test.ts) drive Debian's Chromium. `npm test` runs this first:
# it installs the `chromium` package with apt-get when it is missing (as root, or with sudo), so
# a fresh machine needs no step of its own. Elsewhere, install Chromium and set CHROMIUM_PATH.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the browser tests need Chromium at $browser; install it and set CHROMIUM_PATH to its binary" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
echo "installing Debian's chromium for the browser tests (apt-get install chromium)..." >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
"$browser" --version >&2
