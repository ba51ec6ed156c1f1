#!/bin/sh
# Make a headless Chromium available for the report's browser test; idempotent, prints its path.
# Uses the Debian package (never a browser download from a CDN). Needs root or passwordless sudo
# when Chromium is missing; exits non-zero (and the test skips) when it cannot be installed.
set -eu
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
        command -v "$candidate"
        exit 0
    fi
done
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "chromium is missing and this user cannot install it (needs root)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >&2
command -v chromium
