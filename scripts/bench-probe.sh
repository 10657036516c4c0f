#!/usr/bin/env bash
# Benchmark `scs-release upgrade probe`: 20 endpoints of a local fake server
# (examples/fake_api_server.rs) probed every 0.2 s for 60 s, under /usr/bin/time -v.
# Targets: < 5 % of one core, < 30 MB peak RSS.
#
# Usage: scripts/bench-probe.sh [ENDPOINTS] [SECONDS]   (defaults 20 and 60; needs
# /usr/bin/time). Builds the release binary and the example first.
set -euo pipefail
N=${1:-20}
SECS=${2:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-probe.XXXXXX")
SERVER_PID=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 1; }

echo "== building scs-release and the fake server (release profile)"
(cd "$ROOT" && cargo build --release --quiet --bin scs-release --example fake_api_server)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/scs-release

"$TARGET/release/examples/fake_api_server" "$N" > "$WORK/ports" &
SERVER_PID=$!
for _ in $(seq 50); do
  [[ $(wc -l < "$WORK/ports") -ge $N ]] && break
  sleep 0.1
done
i=0
while read -r port; do
  echo "- {api: API$i, url: 'http://127.0.0.1:$port/'}"
  i=$((i + 1))
done < "$WORK/ports" > "$WORK/endpoints.yaml"

echo "== probing $N endpoints every 0.2 s for $SECS s"
/usr/bin/time -v "$BIN" upgrade probe --endpoints "$WORK/endpoints.yaml" --interval 0.2s \
  --duration "${SECS}s" --log "$WORK/probe.jsonl" -O "$WORK/summary.txt" 2> "$WORK/time.txt" \
  || { cat "$WORK/time.txt" >&2; exit 1; }

samples=$(grep -c '"kind":"probe"' "$WORK/probe.jsonl")
failed=$(grep -c '"ok":false' "$WORK/probe.jsonl" || true)
expected=$((N * SECS * 5))
cpu=$(sed -n 's/.*Percent of CPU this job got: *//p' "$WORK/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$WORK/time.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$WORK/time.txt")
echo "samples: $samples of $expected scheduled, $failed failed"
echo "wall: $wall  CPU: $cpu of one core  max RSS: $((rss / 1024)) MiB ($rss KiB)"
echo "targets: CPU < 5 %, RSS < 30 MiB"
