#!/usr/bin/env bash
# Installs berthd as a systemd service from this (built) checkout:
#   /opt/berth                          -> symlink to this checkout (or a copy with --copy)
#   /etc/systemd/system/berthd.service  <- packaging/berthd.service (replaced when it changed)
#   group berth                         the API socket's group
#   /etc/berth/daemon.json              <- packaging/daemon.json, only if absent
# It never runs systemctl; it prints what to run. Safe to run again (after a
# `git pull` + rebuild, say): it converges to the same result.
set -euo pipefail

DEST=/opt/berth
UNIT=/etc/systemd/system/berthd.service
CONFIG=/etc/berth/daemon.json
GROUP=berth
NODE=/usr/bin/node # the unit's ExecStart uses this path

me=$(basename "$0")
usage() {
  cat <<EOF
usage: $me [--copy] [-h|--help]

  Installs berthd as a systemd service from this checkout (run as root).
  Build the checkout first: sudo bash scripts/bootstrap.sh

  --copy      copy the checkout to $DEST instead of symlinking it there
              (for a checkout in a home directory you may later remove)
  -h, --help  show this help
EOF
}
die() { echo "$me: $*" >&2; exit 1; }

copy=0
while (($# > 0)); do
  case "$1" in
    --copy) copy=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$me: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || die "must run as root (it writes /opt and /etc)"
src=$(cd "$(dirname "$0")/.." && pwd -P)

# Check everything before changing anything.
for f in dist/src/daemon/main.js native/build/Release/berth_netns.node packaging/berthd.service packaging/daemon.json; do
  [ -f "$src/$f" ] || die "$src/$f is missing: build the checkout first (sudo bash scripts/bootstrap.sh)"
done
[ -x "$NODE" ] || die "$NODE not found: berthd.service runs berthd with it (Node >= 20)"
major=$("$NODE" -p 'process.versions.node.split(".")[0]')
((major >= 20)) || die "$NODE is Node $major; berth needs Node >= 20"
for tool in ip nft; do
  command -v "$tool" >/dev/null || echo "$me: warning: '$tool' is not installed; berthd needs it (scripts/bootstrap.sh installs it)" >&2
done

# 1. The checkout at /opt/berth.
if [ "$(readlink -f "$DEST" 2>/dev/null || true)" = "$src" ] && { ((copy == 0)) || [ ! -L "$DEST" ]; }; then
  echo "$DEST: already this checkout"
elif ((copy == 0)); then
  if [ -e "$DEST" ] && [ ! -L "$DEST" ]; then
    die "$DEST exists and is not a symlink (an earlier --copy?): rerun with --copy, or remove it"
  fi
  mkdir -p "$(dirname "$DEST")"
  ln -sfn "$src" "$DEST"
  echo "$DEST -> $src"
else
  # Stage the copy next to the target, then swap, so a failed copy leaves the
  # old installation in place.
  stage="$DEST.new.$$"
  old="$DEST.old.$$"
  rm -rf "$stage"
  mkdir -p "$stage"
  tar -C "$src" --exclude=./.git --exclude=./.vagrant --exclude=./.tap -cf - . | tar -C "$stage" -xf -
  if [ -L "$DEST" ]; then
    rm -f "$DEST"
  elif [ -e "$DEST" ]; then
    mv "$DEST" "$old"
  fi
  mv "$stage" "$DEST"
  rm -rf "$old"
  echo "$DEST: copied from $src (a running berthd keeps the old code until restarted)"
fi

# 2. The unit.
if cmp -s "$src/packaging/berthd.service" "$UNIT"; then
  echo "$UNIT: unchanged"
else
  install -D -m 0644 "$src/packaging/berthd.service" "$UNIT"
  echo "$UNIT: installed"
fi

# 3. The API socket's group.
if getent group "$GROUP" >/dev/null; then
  echo "group $GROUP: exists"
else
  groupadd --system "$GROUP"
  echo "group $GROUP: created"
fi

# 4. The configuration, never overwritten: it is the administrator's file.
install -d -m 0755 "$(dirname "$CONFIG")"
if [ -e "$CONFIG" ]; then
  echo "$CONFIG: kept (defaults are in $src/packaging/daemon.json)"
else
  install -m 0644 "$src/packaging/daemon.json" "$CONFIG"
  echo "$CONFIG: installed with the defaults"
fi

cat <<EOF

Now run:
  systemctl daemon-reload
  systemctl enable --now berthd
  journalctl -u berthd -f        # berthd logs JSON lines to the journal
(after an update: systemctl daemon-reload && systemctl restart berthd; containers stay up)
Group '$GROUP' owns the API socket /run/berth/berth.sock (mode 0660; "group" in $CONFIG).
To use berth without sudo: usermod -aG $GROUP <user>, then log in again.
EOF
