#!/usr/bin/env bash
# The shipped systemd unit (daemon/p1bridge.service) and sysusers file
# (daemon/p1bridge.sysusers): `systemd-analyze verify` accepts them without a
# warning, and `systemd-analyze security` rates the unit below 4.0.
#   usage: unit_test.sh SOURCE_DIR P1BRIDGE_BIN
# Exit 77 (CTest: skipped) only when systemd-analyze cannot run here.
set -euo pipefail
src="$1"
bin="$(realpath "$2")"
unit="$src/daemon/p1bridge.service"
sysusers="$src/daemon/p1bridge.sysusers"
threshold="4.0"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A copy whose ExecStart points at the binary just built, so that verify can
# check it is executable (the unit names /usr/local/bin/p1bridge).
mkdir -p "$work/unit"
sed "s|/usr/local/bin/p1bridge|$bin|g" "$unit" >"$work/unit/p1bridge.service"
if ! systemd-analyze --version >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze cannot run in this environment"
  exit 77
fi

failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

# verify: exit status 0 and nothing said about the unit (unknown keys, bad
# values and missing programs are printed as warnings with exit status 0).
set +e
verify_out="$(cd "$work/unit" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./p1bridge.service 2>&1)"
verify_rc=$?
set -e
echo "systemd-analyze verify: exit $verify_rc"
[ -n "$verify_out" ] && echo "$verify_out"
[ "$verify_rc" -eq 0 ] || fail "systemd-analyze verify exited $verify_rc"
if echo "$verify_out" | grep -q "p1bridge"; then fail "systemd-analyze verify warned about the unit"; fi

# security: the "Overall exposure level" line, e.g. "... p1bridge.service: 3.1 OK".
set +e
security_out="$(cd "$work/unit" && systemd-analyze security --offline=true --no-pager ./p1bridge.service 2>&1)"
security_rc=$?
set -e
if [ "$security_rc" -ne 0 ] && ! echo "$security_out" | grep -q "Overall exposure level"; then
  echo "$security_out"
  [ "$failed" -ne 0 ] && exit 1  # the unit itself is broken: not the environment
  echo "SKIP: systemd-analyze security --offline cannot run here (exit $security_rc)"
  exit 77
fi
echo "$security_out" | grep -E "^✗" || true
overall="$(echo "$security_out" | sed -n 's/.*Overall exposure level for p1bridge.service: \([0-9.]*\).*/\1/p')"
echo "overall exposure level: ${overall:-?} (must be below $threshold)"
if [ -z "$overall" ]; then
  fail "no \"Overall exposure level\" line"
elif ! awk -v s="$overall" -v t="$threshold" 'BEGIN { exit !(s + 0 < t + 0) }'; then
  fail "exposure level $overall is not below $threshold"
fi

# What the unit must not do any more: the config as a read-only credential
# (the page's Save could not write it) and an environment variable that
# silently overrode [queue] dir.
grep -q "^LoadCredential" "$unit" && fail "the config is still a read-only credential (LoadCredential)"
grep -q "P1BRIDGE_QUEUE_DIR" "$unit" && fail "Environment=P1BRIDGE_QUEUE_DIR overrides [queue] dir"
grep -q "^ConfigurationDirectory=p1bridge" "$unit" || fail "no ConfigurationDirectory=p1bridge (Save needs /etc/p1bridge writable)"

# The service user the unit names, created by systemd-sysusers from the
# shipped file into a scratch root.
if [ ! -f "$sysusers" ]; then
  fail "no $sysusers for the service user"
elif command -v systemd-sysusers >/dev/null; then
  mkdir -p "$work/root/etc"
  : >"$work/root/etc/passwd"
  : >"$work/root/etc/shadow"
  echo "dialout:x:20:" >"$work/root/etc/group"
  : >"$work/root/etc/gshadow"
  mkdir -p "$work/root/etc/sysusers.d"
  cp "$sysusers" "$work/root/etc/sysusers.d/p1bridge.conf"
  if ! systemd-sysusers --root="$work/root" >"$work/sysusers.out" 2>&1; then
    cat "$work/sysusers.out"
    fail "systemd-sysusers refused $sysusers"
  fi
  grep -q "^p1bridge:" "$work/root/etc/passwd" || fail "sysusers did not create the user p1bridge"
  grep -Eq "^dialout:x:20:(.*,)?p1bridge(,|$)" "$work/root/etc/group" || fail "p1bridge is not in group dialout"
  user="$(sed -n 's/^User=//p' "$unit")"
  [ "$user" = "p1bridge" ] || fail "the unit runs as '$user', not the p1bridge user sysusers creates"
fi

if [ "$failed" -ne 0 ]; then exit 1; fi
echo "systemd unit: verify clean, exposure $overall < $threshold"
