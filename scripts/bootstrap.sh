#!/usr/bin/env bash
# Makes a fresh Debian 12 checkout runnable, doing only what is missing:
#   1. apt packages berth and its tests use,
#   2. `npm ci` (which also builds native/ through the package's install script),
#   3. the TypeScript build into dist/.
# `npm start`, `npm test` and `npm run bench` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

# systemd: systemd-analyze, which checks packaging/berthd.service.
PACKAGES=(iproute2 nftables dnsutils socat busybox-static dnsmasq-base conntrack tcpdump iputils-ping
          util-linux procps g++ make python3 dnsperf aardvark-dns systemd)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# node-gyp must find Node's headers locally (the machine is offline).
[ -f /usr/include/node/node_api.h ] && export npm_config_nodedir=/usr

stamp=node_modules/.berth-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -f native/build/Release/berth_netns.node ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

if [ ! -f dist/.built ] || [ -n "$(find src scripts test/helpers tsconfig.json package.json -newer dist/.built -print -quit)" ]; then
  echo "bootstrap: building"
  npx tsc -p tsconfig.json
  touch dist/.built
fi
