#!/usr/bin/env bash
# Precision and recall of `scs-release upgrade check` on the history of osism/testbed (issue #10).
#
# Usage: scripts/check-precision.sh [--verdicts FILE] [--from VERSION] [--to VERSION] MIRROR [COMMIT…]
#
#   MIRROR     a bare git mirror of osism/testbed (git clone --mirror …)
#   COMMIT     commits to check (short hashes are fine); default: every commit of the verdict file
#   --verdicts the ground truth (default docs/check-verdicts.yaml of this repository)
#   --from/--to  the upgrade to check (default: `from` / `to` of the verdict file)
#   SCS_RELEASE  the binary to measure (default target/release/scs-release of this repository)
#
# For each commit, environments/, inventory/ and .gitignore are extracted into a temporary
# directory and `upgrade check --from … --to … --config DIR -o json` runs on them (with
# --vault-password-file DIR/environments/.vault_pass when that file exists). Every reported
# `fail` is compared with the verdict file; the Markdown report goes to standard output,
# progress to standard error.
#
# Exit 0: report written; 1: report written, but some reported fails have no verdict
# ("unjudged", counted as false positives: add verdicts to the file); 2: usage error, missing
# tool, bad verdict file, or scs-release failed (exit 3 or worse, its stderr is shown).
# Needs git, jq, python3 with PyYAML. Builds nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROG=check-precision

die() { echo "$PROG: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

for tool in git jq python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (needed: git, jq, python3 with PyYAML)"
done
python3 -c 'import yaml' 2>/dev/null ||
  die "python3 has no PyYAML module: pip install pyyaml (or apt-get install python3-yaml)"

VERDICTS=$ROOT/docs/check-verdicts.yaml
FROM=
TO=
ARGS=()
while (($#)); do
  case $1 in
    --verdicts) (($# >= 2)) || die "--verdicts needs a file"; VERDICTS=$2; shift 2 ;;
    --verdicts=*) VERDICTS=${1#*=}; shift ;;
    --from) (($# >= 2)) || die "--from needs a version"; FROM=$2; shift 2 ;;
    --from=*) FROM=${1#*=}; shift ;;
    --to) (($# >= 2)) || die "--to needs a version"; TO=$2; shift 2 ;;
    --to=*) TO=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; ARGS+=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
((${#ARGS[@]} >= 1)) || { usage >&2; die "MIRROR is missing"; }
MIRROR=${ARGS[0]}
COMMITS=("${ARGS[@]:1}")

git --git-dir "$MIRROR" rev-parse --git-dir >/dev/null 2>&1 || die "$MIRROR is not a git repository"
[[ -f $VERDICTS ]] || die "verdict file $VERDICTS does not exist"
SCS_RELEASE=${SCS_RELEASE:-$ROOT/target/release/scs-release}
[[ -x $SCS_RELEASE ]] || die "$SCS_RELEASE is not an executable (build it or set SCS_RELEASE)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-precision.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PY=$WORK/precision.py
cat >"$PY" <<'PY'
"""Reads the verdict file (info) and compares scs-release findings with it (report)."""
import datetime
import json
import sys

import yaml

STATUSES = {"pass", "fail", "unknown", "not_applicable", "manual"}


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def text(v, where, optional=False):
    if v is None and optional:
        return None
    need(isinstance(v, str) and v.strip(), f"{where} must be a non-empty string")
    return v


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            d = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise Bad(f"cannot read: {e}")
    need(isinstance(d, dict), "the file is not a mapping")
    need(d.get("schema_version") == 1, "schema_version must be 1")
    for k in ("from", "to"):
        need(isinstance(d.get(k), (str, int, float)), f"`{k}` (a version) is missing")
        d[k] = str(d[k])
    need(isinstance(d.get("commits"), list) and d["commits"], "`commits` must be a non-empty list")
    seen = set()
    for i, c in enumerate(d["commits"]):
        where = f"commits[{i}]"
        need(isinstance(c, dict), f"{where} must be a mapping")
        need(isinstance(c.get("commit"), str),
             f"{where}.commit must be a string (quote it: a hash of digits reads as a number)")
        where = f"commit {c['commit']}"
        need(c["commit"] not in seen, f"{where} is listed twice")
        seen.add(c["commit"])
        need(isinstance(c.get("migrated", False), bool), f"{where}: migrated must be true or false")
        c["migrated"] = c.get("migrated", False)
        if isinstance(c.get("date"), (datetime.date, datetime.datetime)):
            c["date"] = c["date"].isoformat()
        vs = c.setdefault("verdicts", {}) or {}
        c["verdicts"] = vs
        need(isinstance(vs, dict), f"{where}: verdicts must be a mapping CHECK-ID: {{fail, reason, evidence}}")
        for check, v in vs.items():
            w = f"{where}, {check}"
            need(isinstance(v, dict), f"{w}: the verdict must be a mapping")
            need(isinstance(v.get("fail"), bool), f"{w}: fail must be true or false")
            text(v.get("reason"), f"{w}: reason")
            text(v.get("evidence"), f"{w}: evidence")
            extra = set(v) - {"fail", "reason", "evidence"}
            need(not extra, f"{w}: unknown field(s) {', '.join(sorted(extra))}")
    keys = d.setdefault("changed_keys", []) or []
    d["changed_keys"] = keys
    need(isinstance(keys, list), "changed_keys must be a list")
    for i, k in enumerate(keys):
        w = f"changed_keys[{i}]"
        need(isinstance(k, dict), f"{w} must be a mapping")
        for f in ("key", "check", "evidence"):
            text(k.get(f), f"{w}.{f}")
        need(isinstance(k.get("commit"), str), f"{w}.commit must be a (quoted) string")
        need(k["commit"] in seen, f"{w}.commit {k['commit']} is not in `commits`")
        k.setdefault("status", "fail")
        need(k["status"] in STATUSES, f"{w}.status must be one of {', '.join(sorted(STATUSES))}")
        text(k.get("detail"), f"{w}.detail", optional=True)
        extra = set(k) - {"key", "commit", "check", "evidence", "status", "detail"}
        need(not extra, f"{w}: unknown field(s) {', '.join(sorted(extra))}")
    return d


def pct(n, d):
    return f"{n}/{d} = {100.0 * n / d:.1f} %" if d else f"{n}/{d} (n/a)"


def report(vfile, shown, resolved_file, results_file, frm, to, version):
    d = load(vfile)
    with open(resolved_file, encoding="utf-8") as f:
        full_of = dict(line.rstrip("\n").split("\t") for line in f if line.strip())
    by_full = {full_of[c["commit"]]: c for c in d["commits"] if c["commit"] in full_of}
    with open(results_file, encoding="utf-8") as f:
        results = [json.loads(line) for line in f if line.strip()]

    out = []
    p = out.append
    p("# Precision of `scs-release upgrade check` on " + str(d.get("repository", "the history")))
    p("")
    p(f"{version}, `upgrade check --from {frm} --to {to}`, verdicts `{shown}`, "
      f"{len(results)} commit(s).")
    if (frm, to) != (d["from"], d["to"]):
        p("")
        p(f"**Note:** the verdicts were written for {d['from']} → {d['to']}, not {frm} → {to}.")
    p("")
    p("TP: a fail with verdict `fail: true`; FP: a fail with `fail: false` or without a verdict "
      "(unjudged); missed: `fail: true` but not reported as fail (its status in brackets). "
      "`(block)` marks blocking checks.")
    p("")
    p("## Per commit")
    p("")

    tp = fp = tp_b = fp_b = expected = 0
    unjudged = []
    migrated_blocks = []
    migrated_run = 0
    per_check = {}
    status_of = {}
    for r in results:
        full, arg = r["commit"], r["arg"]
        entry = by_full.get(full)
        verdicts = entry["verdicts"] if entry else {}
        st = {f["id"]: f for f in r["findings"]}
        status_of[full] = st
        tps, fps, unj, missed = [], [], [], []
        fails = [f for f in r["findings"] if f.get("status") == "fail"]
        for f in fails:
            block = f.get("severity") == "block"
            name = f["id"] + (" (block)" if block else "")
            pc = per_check.setdefault(f["id"], {"severity": f.get("severity"), "tp": 0, "fp": 0, "fn": 0})
            v = verdicts.get(f["id"])
            if v is not None and v["fail"]:
                tp += 1; tp_b += block; pc["tp"] += 1; tps.append(name)
            else:
                fp += 1; fp_b += block; pc["fp"] += 1
                if v is None:
                    unj.append(name)
                    unjudged.append((arg, f))
                else:
                    fps.append(name)
            if block and entry and entry["migrated"]:
                migrated_blocks.append(f"{arg} {f['id']}")
        for check, v in verdicts.items():
            if not v["fail"]:
                continue
            expected += 1
            got = st.get(check, {}).get("status", "absent")
            if got != "fail":
                pc = per_check.setdefault(check, {"severity": st.get(check, {}).get("severity"),
                                                  "tp": 0, "fp": 0, "fn": 0})
                pc["fn"] += 1
                missed.append(f"{check} ({got})")
        if entry and entry["migrated"]:
            migrated_run += 1
        head = f"- `{arg}`"
        if entry:
            meta = ", ".join(str(x) for x in (entry.get("date"), entry.get("state")) if x)
            if entry["migrated"]:
                meta += ", migrated"
            head += f" ({meta})" if meta else ""
        else:
            head += " (not in the verdict file)"
        parts = [f"exit {r['exit_code']}, {len(fails)} fail(s)"]
        parts.append("TP: " + (", ".join(tps) or "–"))
        parts.append("FP: " + (", ".join(fps) or "–"))
        if unj:
            parts.append("unjudged: " + ", ".join(unj))
        parts.append("missed: " + (", ".join(missed) or "–"))
        p(head + ": " + "; ".join(parts))

    run = set(r["commit"] for r in results)
    keys = [k for k in d["changed_keys"] if full_of.get(k["commit"]) in run]
    hits, misses = 0, []
    for k in keys:
        f = status_of[full_of[k["commit"]]].get(k["check"])
        got = f.get("status", "absent") if f else "absent"
        ok = got == k["status"]
        if ok and k.get("detail"):
            ok = k["detail"] in " ".join(f.get("details") or [])
        if ok:
            hits += 1
        else:
            why = f"reported {got}, expected {k['status']}"
            if got == k["status"]:
                why += f", but its details do not name `{k['detail']}`"
            misses.append(f"- {k['key']}: {k['check']} at `{k['commit']}` {why} (evidence: {k['evidence']})")

    fails_total = tp + fp
    p("")
    p("## Figures")
    p("")
    p("| figure | value |")
    p("|---|---|")
    p(f"| fails reported | {fails_total} (blocking {tp_b + fp_b}) |")
    p(f"| true / false positives, missed | {tp} / {fp} / {expected - tp} |")
    p(f"| precision of all fails (TP/(TP+FP)) | {pct(tp, fails_total)} |")
    p(f"| precision of blocking fails | {pct(tp_b, tp_b + fp_b)} |")
    p(f"| recall of expected fails (`fail: true` verdicts reported as fail) | {pct(tp, expected)} |")
    p(f"| recall of the changed keys | {pct(hits, len(keys))} |")
    p(f"| blocking fails on migrated commits | {len(migrated_blocks)} (on {migrated_run} migrated commit(s)) |")
    p(f"| unjudged fails (counted as FP) | {len(unjudged)} |")

    p("")
    p("## Per check")
    p("")
    p("| check | severity | TP | FP | missed |")
    p("|---|---|---|---|---|")
    for check in sorted(per_check):
        c = per_check[check]
        p(f"| {check} | {c['severity'] or '–'} | {c['tp']} | {c['fp']} | {c['fn']} |")

    if misses:
        p("")
        p("## Changed keys missed")
        p("")
        out.extend(misses)
    if migrated_blocks:
        p("")
        p("## Blocking fails on migrated commits")
        p("")
        p(", ".join(migrated_blocks))
    if unjudged:
        p("")
        p("## Unjudged fails")
        p("")
        p(f"No verdict in `{shown}`; check the history and add one (`fail: true` or `fail: false`, "
          "with reason and evidence):")
        p("")
        for arg, f in unjudged:
            detail = "; ".join(f.get("details") or [])
            if len(detail) > 200:
                detail = detail[:197] + "…"
            p(f"- `{arg}` {f['id']} ({f.get('severity')}): {detail}")
    print("\n".join(out))
    return 1 if unjudged else 0


def main(argv):
    try:
        if argv[1] == "info":
            d = load(argv[2])
            print(json.dumps({"from": d["from"], "to": d["to"],
                              "commits": [c["commit"] for c in d["commits"]]}))
            return 0
        if argv[1] == "report":
            return report(*argv[2:9])
    except Bad as e:
        print(f"check-precision: {argv[2]}: {e}", file=sys.stderr)
        return 2
    raise SystemExit(f"usage: {argv[0]} info FILE | report FILE SHOWN RESOLVED RESULTS FROM TO VERSION")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
PY

INFO=$(python3 "$PY" info "$VERDICTS") || exit 2
FROM=${FROM:-$(jq -r .from <<<"$INFO")}
TO=${TO:-$(jq -r .to <<<"$INFO")}
mapfile -t LISTED < <(jq -r '.commits[]' <<<"$INFO")
((${#COMMITS[@]})) || COMMITS=("${LISTED[@]}")

resolve() {
  git --git-dir "$MIRROR" rev-parse --verify --quiet "$1^{commit}" ||
    die "$1 is not a commit of $MIRROR (or an ambiguous short hash)"
}
: >"$WORK/resolved.tsv"
# Verdict commits that are not run may be missing from MIRROR (a partial mirror, COMMIT args).
for c in "${LISTED[@]}"; do
  if full=$(git --git-dir "$MIRROR" rev-parse --verify --quiet "$c^{commit}"); then
    printf '%s\t%s\n' "$c" "$full" >>"$WORK/resolved.tsv"
  fi
done

SHOWN=${VERDICTS#"$ROOT"/}
VERSION=$("$SCS_RELEASE" --version 2>/dev/null || echo "$SCS_RELEASE (version unknown)")
: >"$WORK/results.jsonl"
for c in "${COMMITS[@]}"; do
  full=$(resolve "$c")
  tree=$WORK/tree
  rm -rf "$tree"
  mkdir -p "$tree"
  paths=()
  for p in environments inventory .gitignore; do
    if git --git-dir "$MIRROR" cat-file -e "$full:$p" 2>/dev/null; then
      paths+=("$p")
    elif [[ $p != .gitignore ]]; then
      die "$c has no $p/ (not an OSISM configuration repository state?)"
    fi
  done
  git --git-dir "$MIRROR" archive "$full" "${paths[@]}" | tar -x -C "$tree"
  args=(upgrade check --from "$FROM" --to "$TO" --config "$tree" -o json)
  [[ -f $tree/environments/.vault_pass ]] &&
    args+=(--vault-password-file "$tree/environments/.vault_pass")
  rc=0
  "$SCS_RELEASE" "${args[@]}" >"$WORK/out.json" 2>"$WORK/err.txt" || rc=$?
  case $rc in
    0|1|2) ;;
    *) cat "$WORK/err.txt" >&2; die "scs-release failed on $c (exit $rc): ${args[*]}" ;;
  esac
  jq -e '.findings | type == "array"' "$WORK/out.json" >/dev/null 2>&1 ||
    die "scs-release gave no JSON with a findings array on $c"
  jq -c --arg commit "$full" --arg arg "$c" --argjson rc "$rc" \
    '{commit: $commit, arg: $arg, exit_code: $rc,
      findings: [.findings[] | {id, severity, status, details: (.details // [])}]}' \
    "$WORK/out.json" >>"$WORK/results.jsonl"
  echo "$PROG: $c: exit $rc, $(jq '[.findings[] | select(.status == "fail")] | length' "$WORK/out.json") fail(s)" >&2
  rm -rf "$tree"
done

rc=0
python3 "$PY" report "$VERDICTS" "$SHOWN" "$WORK/resolved.tsv" "$WORK/results.jsonl" "$FROM" "$TO" "$VERSION" || rc=$?
exit "$rc"
