#!/usr/bin/env bash
# Installs the real servers the adapter tests run: Prometheus (+ promtool) and redis-server, from
# Debian packages, only when their binaries are missing. Idempotent; safe to run on every CI build.
#
# The packages' maintainer scripts would start system services (prometheus on :9090, redis-server
# on :6379, where a shared Redis may already live). Tests start their own instances on free ports,
# so this script blocks service starts with policy-rc.d during the install and stops anything the
# install started anyway. It never touches a server that was running before it.
#
# DRY_RUN=1 prints the commands instead of running them.
set -euo pipefail

log() { printf 'test-deps: %s\n' "$*"; }
run() {
  if [[ "${DRY_RUN:-0}" == 1 ]]; then log "would run: $*"; else "$@"; fi
}

# Debian package → binaries it must provide.
declare -A provides=(
  [prometheus]="prometheus promtool"
  [redis-server]="redis-server"
)

missing_packages=()
for package in prometheus redis-server; do
  for binary in ${provides[$package]}; do
    if ! command -v "$binary" >/dev/null 2>&1; then
      missing_packages+=("$package")
      break
    fi
  done
done

if [[ ${#missing_packages[@]} -eq 0 ]]; then
  log "nothing to install:"
  log "  $(prometheus --version 2>&1 | head -n1)"
  log "  $(promtool --version 2>&1 | head -n1)"
  log "  $(redis-server --version 2>&1 | head -n1)"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    log "need root (or sudo) to install: ${missing_packages[*]}" >&2
    exit 1
  fi
fi

# Remember what runs now, so only processes the install starts are stopped afterwards.
before=" $( (pgrep -x 'prometheus|redis-server' || true) | tr '\n' ' ') "

# policy-rc.d exit 101 = "do not start services" for invoke-rc.d. Keep an existing one as it is.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  run "${SUDO[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  created_policy=1
fi
cleanup() {
  if [[ $created_policy -eq 1 ]]; then run "${SUDO[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

log "installing: ${missing_packages[*]}"
run "${SUDO[@]}" apt-get update
run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing_packages[@]}"

# A service the package started anyway is new, daemonised (parent pid 1) and not a test harness's
# instance (those are children of node and live in wavegate-* temp dirs).
for pid in $(pgrep -x 'prometheus|redis-server' || true); do
  [[ $before == *" $pid "* ]] && continue
  [[ $(ps -o ppid= -p "$pid" | tr -d ' ') == 1 ]] || continue
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *wavegate-* ]] && continue
  log "stopping $(ps -o comm= -p "$pid" || echo process) (pid $pid), started by the package install"
  run "${SUDO[@]}" kill "$pid" || true
done

for package in "${missing_packages[@]}"; do
  for binary in ${provides[$package]}; do
    if [[ "${DRY_RUN:-0}" != 1 ]] && ! command -v "$binary" >/dev/null 2>&1; then
      log "installed $package but '$binary' is still missing" >&2
      exit 1
    fi
  done
done
log "installed: ${missing_packages[*]}$([[ "${DRY_RUN:-0}" == 1 ]] && echo ' (dry run)')"
