#!/usr/bin/env bash
# The main job on built-in defaults: decode the bundled EVN (Netz NÖ) sample
# telegram with the key Netz NÖ published for it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
echo "\$ p1bridge decode --key 36C66639E48A8CA4D6BC8B282A793BBB testdata/evn-sample.hex" >&2
build/daemon/p1bridge decode --key 36C66639E48A8CA4D6BC8B282A793BBB testdata/evn-sample.hex
