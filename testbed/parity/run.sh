#!/usr/bin/env bash
# Parity with Python ops: runs HelloCharm written with Python ops 3.9 (charm/) and the Rust
# HelloCharm through the same strict fake hook tools, for the same events, and diffs the
# hook-tool calls. Not part of CI (it installs ops from PyPI); run it after changing how
# the library talks to Juju:  bash testbed/parity/run.sh
#
# Known, intended differences are filtered out before the diff:
# - DEBUG juju-log lines (each framework logs its own);
# - Python ops runs `is-leader` after every event for collect-status; the Rust framework
#   asks only when something observes collect_app_status;
# - Python ops runs `relation-list` when it builds a Relation, and `relation-ids` first in a
#   relation hook to find the event's relation; the Rust model asks lazily and trusts
#   JUJU_RELATION_ID;
# - JSON on relation-set's stdin: Python writes `{"k": "v"}`, Rust `{"k":"v"}` (same map).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/parity-venv"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q ops==3.9.0; }
cargo build -q --manifest-path "$root/Cargo.toml" -p juju-ops-testbed --bins
tool="$root/target/debug/fake-hook-tool"
tools=(juju-log status-set status-get config-get is-leader relation-ids relation-list relation-get relation-set
       relation-model-get action-get action-set action-log action-fail application-version-set goal-state
       storage-get storage-list open-port close-port opened-ports resource-get state-get state-set state-delete)

run() { # run <program> <python?> <dispatch path> [VAR=value...]
  local program=$1 python=$2 path=$3; shift 3
  local dir; dir=$(mktemp -d); mkdir "$dir/bin"
  for t in "${tools[@]}"; do ln -s "$tool" "$dir/bin/$t"; done
  cat > "$dir/state.json" <<'JSON'
{"leader": true, "config": {"thing": "Rust"}, "action": {"name": "fortune", "params": {"fortune": "Ship it."}},
 "relations": {"4": {"endpoint": "db", "remote_app": "pg", "units": ["pg/0"], "data": {"pg": {"endpoints": "pg:5432"}}}}}
JSON
  cp "$here"/charm/*.yaml "$dir/"
  local interpreter=()
  [ "$python" = yes ] && interpreter=("$venv/bin/python")
  env -i PATH="$dir/bin:/usr/bin:/bin" FAKE_JUJU_STATE="$dir/state.json" FAKE_JUJU_LOG="$dir/log" \
    JUJU_UNIT_NAME=hello/0 JUJU_MODEL_NAME=m JUJU_MODEL_UUID=u JUJU_VERSION=3.6.14 JUJU_CHARM_DIR="$dir" \
    JUJU_DISPATCH_PATH="$path" "$@" "${interpreter[@]}" "$program" >/dev/null 2>&1 || echo "exit $?"
  python3 - "$dir/log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    c = json.loads(line)
    if c["tool"] in ("is-leader", "relation-list") or c["args"][:2] == ["--log-level", "DEBUG"]:
        continue
    stdin = " <<< " + json.dumps(json.loads(c["stdin"]), separators=(",", ":")) if c["stdin"] else ""
    print(" ".join([c["tool"]] + c["args"]) + stdin + ("" if c["exit"] == 0 else f"  [exit {c['exit']}]"))
PY
  rm -rf "$dir"
}

status=0
events=("hooks/install" "hooks/config-changed" "hooks/start" "actions/fortune" "hooks/update-status" "hooks/db-relation-changed")
for event in "${events[@]}"; do
  vars=(JUJU_HOOK_NAME="${event#hooks/}")
  case $event in
    actions/*) vars=(JUJU_ACTION_NAME=fortune JUJU_ACTION_UUID=1) ;;
    hooks/db-*) vars+=(JUJU_RELATION=db JUJU_RELATION_ID=db:4 JUJU_REMOTE_APP=pg JUJU_REMOTE_UNIT=pg/0) ;;
  esac
  if diff <(run "$here/charm/src/charm.py" yes "$event" "${vars[@]}" | sed '1{/^relation-ids /d}') \
           <(run "$root/target/debug/hello-dispatch" no "$event" "${vars[@]}") > /tmp/parity.diff; then
    echo "same calls: $event"
  else
    echo "DIFFERENT:  $event (< Python ops, > Rust)"; cat /tmp/parity.diff; status=1
  fi
done
exit $status
