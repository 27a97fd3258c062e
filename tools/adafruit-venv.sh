#!/usr/bin/env bash
# Makes (once) a Python virtual environment with Adafruit's CircuitPython HT16K33
# library on Blinka, pinned by tests/adafruit/requirements.txt, for the differential
# test (tests/adafruit.rs), and prints its python. It lives in the cache outside the
# repository (~/.cache/lightseg, or $XDG_CACHE_HOME/lightseg) and is made again when
# the requirements change or it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=tests/adafruit/requirements.txt
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lightseg"
stamp=$(sha256sum "$requirements" | cut -c1-16)
venv="$cache/adafruit-venv-$stamp"

if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
