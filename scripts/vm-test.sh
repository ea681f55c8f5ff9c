#!/usr/bin/env bash
# Runs berth's full suite (unit, kernel, e2e) as root in the Debian 12 VM of
# the Vagrantfile: brings the VM up if needed, syncs the working tree to
# /vagrant, runs `sudo npm test` there and exits with its status.
set -euo pipefail

usage() {
  cat <<EOF
usage: $(basename "$0") [--destroy] [-h|--help]

  Starts the Vagrant VM if it is not running (the first start provisions
  Node 20 and berth's dependencies), syncs this checkout to /vagrant, runs
  'cd /vagrant && sudo npm test' in it and exits with the suite's status.

  --destroy   destroy the VM afterwards (whether the suite passed or not)
  -h, --help  show this help
EOF
}

destroy=0
while (($# > 0)); do
  case "$1" in
    --destroy) destroy=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$(basename "$0"): unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$0")/.."

if ! command -v vagrant >/dev/null 2>&1; then
  echo "$(basename "$0"): vagrant is not installed (https://developer.hashicorp.com/vagrant/install)" >&2
  exit 127
fi

if ((destroy)); then
  trap 'echo "vm-test: destroying the VM"; vagrant destroy -f' EXIT
fi

# `vagrant status --machine-readable` lines: timestamp,target,type,data.
state=$(vagrant status --machine-readable | awk -F, '$3 == "state" && !seen++ { print $4 }')
if [ "$state" = "running" ]; then
  echo "vm-test: VM running; syncing the working tree"
  vagrant rsync
else
  echo "vm-test: starting the VM (state: ${state:-unknown})"
  # Without BERTH_VM_TEST, so the Vagrantfile's own test provisioner does not
  # run the suite a second time; `vagrant up` syncs the tree on the way up.
  env -u BERTH_VM_TEST vagrant up
fi

status=0
vagrant ssh -c 'cd /vagrant && sudo npm test' || status=$?
if ((status == 0)); then
  echo "vm-test: suite passed"
else
  echo "vm-test: suite failed (exit $status)" >&2
fi
exit "$status"
