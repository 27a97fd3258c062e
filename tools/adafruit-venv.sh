#!/usr/bin/env bash
# Makes (once) a Python virtual environment with Adafruit's CircuitPython HT16K33
# library on Blinka, pinned by tests/adafruit/requirements.txt, for the differential
# test and the example runs (tests/adafruit.rs), and prints its python. It lives in the
# cache outside the repository (~/.cache/lightseg, or $XDG_CACHE_HOME/lightseg) and is
# made again when the requirements change or it is missing. Adafruit's examples, which
# the wheel leaves out, are taken from the library's source distribution on PyPI (the
# same pinned version, checked against its SHA-256) into the venv's `examples/`.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=tests/adafruit/requirements.txt
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lightseg"
stamp=$(cat "$requirements" "$0" | sha256sum | cut -c1-16)
venv="$cache/adafruit-venv-$stamp"
# The source distribution of adafruit-circuitpython-ht16k33 4.6.17 (its examples).
examples_sha256=753012d3f12752213577eb55e4f35c4095beb9d3da63f6d0a9d9f876129deb58

if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  version=$(sed -n 's/^adafruit-circuitpython-ht16k33==//p' "$requirements")
  sdist="$venv/sdist"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    --no-binary :all: -d "$sdist" "adafruit-circuitpython-ht16k33==$version" >&2
  archive="$sdist/adafruit_circuitpython_ht16k33-$version.tar.gz"
  echo "$examples_sha256  $archive" | sha256sum --check --quiet >&2
  mkdir -p "$venv/examples"
  tar -xzf "$archive" -C "$venv/examples" --strip-components=2 \
    "adafruit_circuitpython_ht16k33-$version/examples"
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
