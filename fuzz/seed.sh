#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds taken, at run time, from the shared fixtures
# (../shared/fixtures next to the checkout, or $FIXTURES) and from this repository's own
# releases/ data. Nothing upstream is committed: the corpus folder is git-ignored.
#
#   fuzz/seed.sh            # all targets
#   fuzz/seed.sh version    # one target
#
# Seeds are named by the SHA-1 of their content (as libFuzzer names corpus files), so
# running the script twice adds nothing new. Needs bash, awk, sha1sum; jq if present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
fixtures="${FIXTURES:-}"
if [[ -z "$fixtures" ]]; then
  for cand in "$repo/../shared/fixtures" /work/shared/fixtures; do
    if [[ -d "$cand" ]]; then fixtures="$(cd "$cand" && pwd)"; break; fi
  done
fi
if [[ -z "$fixtures" || ! -d "$fixtures" ]]; then
  echo "seed.sh: no fixtures folder found; set FIXTURES=/path/to/shared/fixtures" >&2
  exit 1
fi
corpus="$here/corpus"
mkdir -p "$corpus"   # code_blocks writes its scratch files here before the first seed
targets=("${@:-version manifest config classify}")
# shellcheck disable=SC2206
targets=(${targets[*]})

# put TARGET < content: store stdin as one seed (empty input is skipped).
put() {
  local dir="$corpus/$1" tmp sum
  mkdir -p "$dir"
  tmp="$(mktemp "$dir/.seed.XXXXXX")"
  cat >"$tmp"
  if [[ ! -s "$tmp" ]]; then rm -f "$tmp"; return; fi
  sum="$(sha1sum "$tmp" | cut -d' ' -f1)"
  mv -f "$tmp" "$dir/$sum"
}

# put_lines TARGET < lines: one seed per distinct non-empty line.
put_lines() {
  local line
  sort -u | while IFS= read -r line; do
    [[ -n "$line" ]] && printf '%s' "$line" | put "$1"
  done
}

# Every `key: value` / `- value` scalar of YAML files, unquoted, without comments.
yaml_scalars() {
  awk '
    /^[[:space:]]*#/ { next }
    {
      line = $0
      sub(/[[:space:]]+#.*$/, "", line)
      item = match(line, /^[[:space:]]*-[[:space:]]+/)
      sub(/^[[:space:]]*(-[[:space:]]+)?/, "", line)
      if (match(line, /^[^:[:space:]][^:]*:[[:space:]]+/)) v = substr(line, RLENGTH + 1)
      else if (item) v = line
      else next
      if (v ~ /^[{[|>&*!]/) next
      gsub(/^["'\'']|["'\'']$/, "", v)
      sub(/[[:space:]]+$/, "", v)
      if (length(v) > 0 && length(v) < 120) print v
    }' "$@"
}

# Fenced (```lang) and reStructuredText (.. code-block:: lang) blocks of one language,
# each block written as one seed for TARGET.
code_blocks() {
  local target="$1" lang="$2"; shift 2
  local f
  for f in "$@"; do
    awk -v lang="$lang" -v out="$corpus/.blocks" '
      function flush() { if (n > 0) { print buf > (out "." blocks++); close(out "." (blocks - 1)) } n = 0; buf = "" }
      BEGIN { blocks = 0 }
      # Markdown: ```yaml or ```ini title="..."
      !inrst && !infence && $0 ~ "^[[:space:]]*```" lang "([[:space:]]|$)" {
        infence = 1; match($0, /^[[:space:]]*/); ind = RLENGTH; next
      }
      infence && $0 ~ /^[[:space:]]*```/ { infence = 0; flush(); next }
      infence { line = $0; buf = buf (n++ ? "\n" : "") substr(line, ind + 1); next }
      # rst: .. code-block:: yaml, then an indented block
      $0 ~ "^[[:space:]]*\\.\\. code-block::[[:space:]]+" lang "[[:space:]]*$" { inrst = 1; rstind = -1; next }
      inrst {
        if ($0 ~ /^[[:space:]]*$/) { if (n > 0) buf = buf "\n"; next }
        match($0, /^[[:space:]]*/)
        if (rstind < 0) rstind = RLENGTH
        if (RLENGTH < rstind) { inrst = 0; flush() }
        else { buf = buf (n++ ? "\n" : "") substr($0, rstind + 1); next }
      }
      END { flush() }
    ' "$f"
    local b
    for b in "$corpus"/.blocks.*; do
      [[ -e "$b" ]] || continue
      put "$target" <"$b"
      rm -f "$b"
    done
  done
}

count() { find "$corpus/$1" -type f ! -name '.*' 2>/dev/null | wc -l; }

mapfile -t osism_yml < <(find "$fixtures/osism-release" -name '*.yml' -type f | sort)
mapfile -t notes < <(find "$fixtures/release-notes" -type f \( -name '*.md' -o -name '*.mdx' -o -name '*.rst' \) | sort)

for t in "${targets[@]}"; do
  case "$t" in
  version)
    # Pin values of the upstream manifests and of the tool's own release data, one per file;
    # cluster-stack release tags from the fixture folder names.
    {
      yaml_scalars "${osism_yml[@]}"
      yaml_scalars "$repo"/releases/osism/*.yaml "$repo"/releases/scs/*.yaml
      yaml_scalars "$fixtures"/cluster-stacks/*/*.yaml
      find "$fixtures/cluster-stacks" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'
    } | put_lines version
    ;;
  manifest)
    # Whole osism/release files (raw tree) and the tool's release files (typed readers).
    for f in "${osism_yml[@]}" "$repo"/releases/osism/*.yaml "$repo"/releases/scs/*.yaml; do
      put manifest <"$f"
    done
    # Anchors, aliases and merge keys, which the fixtures do not use.
    printf '%s\n' 'defaults: &defaults' '  ara: 1.7.1' '  docker: "5:24.0.9"' 'osism_projects:' \
      '  <<: *defaults' '  k3s: v1.29.0+k3s1' 'docker_images: {<<: [*defaults], mariadb: 11.2.2}' \
      'list: &l [a, b]' 'other: [*l, *l]' | put manifest
    ;;
  config)
    # Configuration snippets (environments/*.yml, INI) quoted in the OSISM release notes and
    # upgrade guides, the YAML of the upstream manifests, and a few inventories in OSISM's
    # layout written here (the fixtures hold no inventory file).
    code_blocks config yaml "${notes[@]}"
    code_blocks config ini "${notes[@]}"
    for f in "$fixtures"/osism-release/etc/*.yml "$fixtures"/osism-release/7.0.0/base.yml \
      "$fixtures"/cluster-stacks/*/*.yaml; do
      put config <"$f"
    done
    printf '%s\n' '[manager]' 'testbed-manager.testbed.osism.xyz' '' '[monitoring]' \
      'testbed-manager.testbed.osism.xyz' '' '[control]' 'testbed-node-[0:2].testbed.osism.xyz' \
      '' '[compute]' 'testbed-node-[0:2].testbed.osism.xyz ansible_host=192.168.16.10' '' \
      '[network]' 'testbed-node-0.testbed.osism.xyz' | put config
    printf '%s\n' '# 20-roles' '[ceph-control:children]' 'control' '' '[ceph-resource:children]' \
      'compute' '' '[ceph-rgw:children]' 'ceph-control' '' '[all:vars]' \
      'ansible_python_interpreter=/usr/bin/python3' '; comment' | put config
    printf '%s\n' '[ctl]' 'ctl[01:03]' 'db[a:b]' '[mons:children]' 'ctl' 'mons' | put config
    printf '%s\n' '[compute]' 'com[001:120]' 'rack[1:4]-node[01:16]' '[ctl:children]' 'compute' | put config
    printf '%s\n' 'kolla_defaults: &kd' '  enable_octavia: "yes"' '  octavia_network_type: tenant' \
      'kolla_overrides:' '  <<: *kd' '  enable_octavia: no' 'hosts: &h [ctl01, ctl02]' \
      'mons: [*h, *h]' | put config
    printf '%s\n' '---' 'ceph_keyring_key: !vault |' '  $ANSIBLE_VAULT;1.1;AES256' \
      '  3665386436363638' 'enable_octavia: yes' 'kolla_internal_vip_address: 192.168.16.9' | put config
    printf '%s\n' '$ANSIBLE_VAULT;1.1;AES256' \
      '62313365396662343061393464336163383764373764613633653634306231386433626436623361' \
      '6134333665353966363534333632666535333761666131620a663537646436643839616531643561' | put config
    printf '%s\n' '/var/lib/ceph/bootstrap-osd directory 64045:64045 755' \
      '/var/lib/ceph/crash regular file 0:0 644' | put config
    ;;
  classify)
    # Change lines of the release notes (list items, markers stripped), PR titles of the
    # GitHub response bodies, and the merge commits of the cluster-stack-operator log
    # (subject, blank line, body) – one per file.
    awk '
      match($0, /^[[:space:]]*([*-]|[0-9]+\.)[[:space:]]+/) {
        v = substr($0, RLENGTH + 1); sub(/[[:space:]]+$/, "", v)
        if (length(v) >= 3 && length(v) < 300) print v
      }' "${notes[@]}" | put_lines classify
    if command -v jq >/dev/null; then
      jq -r '.. | objects | .title? // empty | strings' "$fixtures"/github/*.json | put_lines classify
    else
      grep -ho '"title": *"[^"]*"' "$fixtures"/github/*.json | sed 's/.*: *"//; s/"$//' | put_lines classify
    fi
    for log in "$fixtures"/release-notes/*.txt; do
      [[ -e "$log" ]] || continue
      awk -v out="$corpus/.blocks" '
        function flush() { if (n > 0) { print buf > (out "." blocks); close(out "." blocks); blocks++ } n = 0; buf = "" }
        /^commit [0-9a-f]+$/ { flush(); next }
        /^(Author|Date|Merge):/ { next }
        { line = $0; sub(/^    /, "", line); if (n == 0 && line == "") next; buf = buf (n++ ? "\n" : "") line }
        END { flush() }
      ' "$log"
      for b in "$corpus"/.blocks.*; do
        [[ -e "$b" ]] || continue
        put classify <"$b"
        rm -f "$b"
      done
    done
    ;;
  *)
    echo "seed.sh: unknown target $t (expected version, manifest, config, classify)" >&2
    exit 2
    ;;
  esac
  echo "$t: $(count "$t") seeds in fuzz/corpus/$t"
done
