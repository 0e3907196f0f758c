#!/usr/bin/env bash
# The Debian package as a user gets it: builds build/p1bridge_<version>_<arch>.deb
# (CPack), installs it with dpkg -i (root; CI is), and checks what it
# installed: the programs, the system user in dialout, the config (a
# conffile, 0600, owned by p1bridge) that `p1bridge run --check` accepts, as
# root and as the service's user, the state directory, and the systemd unit
# (systemd-analyze verify). P1_SKIP_PACKAGE=1 skips it (on a machine where
# you do not want the package installed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${P1_SKIP_PACKAGE:-0}" = 1 ]; then echo "package: skipped (P1_SKIP_PACKAGE=1)"; exit 0; fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "package: skipped: installing it needs root (run as root or with password-less sudo)"
    exit 0
  fi
  sudo_cmd=(sudo)
fi
[ -f build/CPackConfig.cmake ] || { echo "package: build/ is not configured (run scripts/build.sh)"; exit 1; }
rm -f build/p1bridge_*.deb
(cd build && cpack -G DEB >cpack.log 2>&1) || { cat build/cpack.log; exit 1; }
deb=$(ls build/p1bridge_*.deb)
echo "package: $deb"
dpkg-deb -c "$deb" | awk '{print "  " $1, $2, $6}'
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" dpkg -i --force-confdef --force-confold "$deb" >build/dpkg.log 2>&1; then
  # dpkg -i does not fetch what the package depends on (adduser, libraries): apt does, then configures it.
  echo "package: dpkg -i needs its dependencies: apt-get install -f"
  "${sudo_cmd[@]}" apt-get install -f -y -qq >>build/dpkg.log 2>&1 || { cat build/dpkg.log; exit 1; }
  dpkg-query -W -f='${Status}' p1bridge 2>/dev/null | grep -q "install ok installed" || { cat build/dpkg.log; exit 1; }
fi

fail() { echo "package: FAILED: $*"; exit 1; }
check() { echo "package: $*"; }
[ -x /usr/bin/p1bridge ] && [ -x /usr/bin/p1sim ] || fail "/usr/bin/p1bridge or /usr/bin/p1sim missing"
/usr/bin/p1bridge --version | sed 's/^/  /'
/usr/bin/p1bridge --version | grep -q "^p1bridge [0-9]" || fail "p1bridge --version"
check "p1bridge --version ok"
id -nG p1bridge | tr ' ' '\n' | grep -qx dialout || fail "user p1bridge is not in dialout"
check "system user p1bridge ($(id p1bridge))"
conf=/etc/p1bridge/p1bridge.toml
[ "$(stat -c '%a %U' "$conf")" = "600 p1bridge" ] || fail "$conf is $(stat -c '%a %U:%G' "$conf"), want 600 p1bridge"
dpkg-query -W -f='${Conffiles}\n' p1bridge | grep -q "$conf" || fail "$conf is not a conffile"
check "$conf: conffile, mode 600, owner p1bridge"
[ "$(stat -c '%a %U' /etc/p1bridge)" = "700 p1bridge" ] ||
  fail "/etc/p1bridge is $(stat -c '%a %U:%G' /etc/p1bridge), want 700 p1bridge (the page's Save writes there)"
check "/etc/p1bridge: mode 700, owner p1bridge (Save can write the config)"
[ "$(stat -c '%U' /var/lib/p1bridge)" = p1bridge ] || fail "/var/lib/p1bridge is not owned by p1bridge"
check "state directory /var/lib/p1bridge owned by p1bridge"
"${sudo_cmd[@]}" /usr/bin/p1bridge run --check --config "$conf" | sed 's/^/  /' || fail "p1bridge run --check --config $conf"
"${sudo_cmd[@]}" setpriv --reuid=p1bridge --regid=p1bridge --init-groups /usr/bin/p1bridge run --check --config "$conf" \
  >/dev/null || fail "the service's user cannot use $conf"
check "p1bridge run --check --config $conf ok (as root and as p1bridge)"

unit=/usr/lib/systemd/system/p1bridge.service
grep -q '^ExecStart=/usr/bin/p1bridge ' "$unit" || fail "$unit does not start /usr/bin/p1bridge"
if ! command -v systemd-analyze >/dev/null; then
  echo "package: installing systemd for systemd-analyze"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends systemd >/dev/null 2>&1 ||
    { "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1 &&
      "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends systemd >/dev/null 2>&1; } || true
fi
if ! systemd-analyze --version >/dev/null 2>&1; then
  echo "package: SKIPPED systemd-analyze verify: systemd-analyze cannot run on this machine"
else
  out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; fail "systemd-analyze verify $unit"; }
  [ -z "$out" ] || echo "$out" | sed 's/^/  /'
  check "systemd-analyze verify $unit ok"
fi
echo "package: all checks passed"
