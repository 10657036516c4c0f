#!/usr/bin/env bash
# Benchmark `scs-release notes` on a generated 60,000-commit repository against
# `git log --format=%H%x00%s%x00%b` (same range) and git-cliff (npm package `git-cliff`) with an
# equivalent conventional-commit config. Targets: notes ≤ 2× git log wall time, peak RSS ≤ 150 MB.
#
# Usage: scripts/bench-notes.sh [COMMITS]   (default 60000; needs git, hyperfine, /usr/bin/time;
# npm for git-cliff, skipped when missing). Builds the release binary first.
set -euo pipefail
N=${1:-60000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-notes.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# BENCH_REPO=DIR keeps the generated repository there (reused when it exists).
REPO=${BENCH_REPO:-$WORK/repo}

command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 1; }

echo "== building scs-release (release profile)"
(cd "$ROOT" && cargo build --release --quiet)
BIN=$ROOT/target/release/scs-release

if [[ -d "$REPO/.git" ]]; then
  echo "== reusing $REPO"
else
echo "== generating $N commits with git fast-import in $REPO"
git init -q "$REPO"
git -C "$REPO" symbolic-ref HEAD refs/heads/main
python3 - "$N" <<'PY' | git -C "$REPO" fast-import --quiet
import sys
n = int(sys.argv[1])
subjects = [
    "feat(api): add endpoint number {i}",
    "fix: handle empty value in parser {i}",
    "chore(deps): update dependency foo/bar{m} to v1.{i}",
    ":sparkles: Add cluster addon option {i}",
    "🐛 Fix reconcile loop {i}",
    "📖 Update docs page {i}",
    "Update default CAPO to 0.{m}.{i} (#{i})",
    "Fix command not found in Makefile {i} (#{i})",
    "kolla-ansible: bump nova to {i}",
    "Proxy settings for control plane nodes {i}",
    "refactor!: drop legacy flag {i}",
]
out = sys.stdout.buffer
t = 1700000000
for i in range(1, n + 1):
    s = subjects[i % len(subjects)].format(i=i, m=i % 17)
    body = "" if i % 3 else f"\n\nLonger description of change {i}.\n\nSigned-off-by: Dev <dev@example.org>\n"
    if i % 97 == 0:
        body += "\nBREAKING CHANGE: config key renamed\n"
    msg = (s + body).encode()
    content = f"line {i}\n".encode()
    out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (2 * i, len(content), content))
    out.write(b"commit refs/heads/main\nmark :%d\n" % (2 * i + 1))
    out.write(b"author Dev <dev@example.org> %d +0000\ncommitter Dev <dev@example.org> %d +0000\n" % (t + i, t + i))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (2 * i - 1))
    out.write(b"M 100644 :%d file%d.txt\n\n" % (2 * i, i % 100))
    if i == 1:
        out.write(b"reset refs/tags/v1.0.0\nfrom :3\n\n")
out.write(b"reset refs/tags/v2.0.0\nfrom :%d\n\n" % (2 * n + 1))
PY
git -C "$REPO" gc -q
fi
echo "commits in range: $(git -C "$REPO" rev-list --count v1.0.0..v2.0.0)"

NOTES="$BIN notes --track kaas-v1 --release R6 --repo SovereignCloudStack/k8s-cluster-api-provider=$REPO --from v1.0.0 --to v2.0.0 "
NOTES_GIT2="$BIN notes --track kaas-v1 --release R6 --repo SovereignCloudStack/k8s-cluster-api-provider=$REPO --from v1.0.0 --to v2.0.0 --walker git2 "
GITLOG="git -C $REPO log --format=%H%x00%s%x00%b v1.0.0..v2.0.0"

CLIFF=""
if command -v npm >/dev/null; then
  echo "== installing git-cliff from npm into $WORK/cliff"
  if npm install --silent --prefix "$WORK/cliff" git-cliff >/dev/null 2>&1; then
    cat > "$WORK/cliff.toml" <<'TOML'
[changelog]
body = """
{% for group, commits in commits | group_by(attribute="group") %}
## {{ group }}
{% for commit in commits %}- {{ commit.message | split(pat="\n") | first }}
{% endfor %}{% endfor %}
"""
[git]
conventional_commits = true
filter_unconventional = false
commit_parsers = [
  { message = "^feat", group = "Features" },
  { message = "^fix", group = "Bug fixes" },
  { message = "^doc", group = "Documentation" },
  { message = "^chore\\(deps\\)", group = "Dependencies" },
  { message = ".*", group = "Other" },
]
TOML
    # The native binary the npm package ships (no node start-up in the timing); run inside the
    # repository (git-cliff 2.14.2's --repository failed with "No such file or directory" here).
    CLIFFBIN=$(ls "$WORK"/cliff/node_modules/git-cliff-*/bin/git-cliff 2>/dev/null | head -1)
    CLIFFBIN=${CLIFFBIN:-$WORK/cliff/node_modules/.bin/git-cliff}
    echo "git-cliff: $("$CLIFFBIN" --version)"
    CLIFF="cd $REPO && $CLIFFBIN --config $WORK/cliff.toml v1.0.0..v2.0.0 -o $WORK/cliff.md"
  else
    echo "git-cliff could not be installed from npm; skipped" >&2
  fi
fi

echo "== wall time"
hyperfine --warmup 2 --runs 10 --export-markdown "$WORK/hyperfine.md" \
  -n "git log" "$GITLOG" -n "notes (git CLI)" "$NOTES" -n "notes (git2 walk)" "$NOTES_GIT2"
cat "$WORK/hyperfine.md"
if [[ -n "$CLIFF" ]]; then
  hyperfine --warmup 1 --runs 3 --export-markdown "$WORK/hyperfine-cliff.md" -n "git log" "$GITLOG" -n "git-cliff" "$CLIFF"
  cat "$WORK/hyperfine-cliff.md"
fi

echo "== peak RSS (KB) and CPU seconds (user+sys, children included)"
rss() { /usr/bin/time -f '%M KB, %U+%S s' bash -c "$1" 2>&1 >/dev/null | tail -1; }
echo "git log:          $(rss "$GITLOG")"
echo "notes (git CLI):  $(rss "$NOTES")"
echo "notes (git2):     $(rss "$NOTES_GIT2")"
if [[ -n "$CLIFF" ]]; then echo "git-cliff:        $(rss "$CLIFF")"; fi
echo "notes output: $($NOTES | wc -l) lines (stdout; hyperfine discards it, like git log's)"
