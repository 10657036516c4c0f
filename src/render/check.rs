//! Rendering of `upgrade check`, `upgrade path` and `upgrade collect-script`.

use serde::Serialize;

use super::Format;
use super::table::Table;
use crate::check::catalog::Severity;
use crate::check::report::{Finding, Report, Status};
use crate::release::path::{Hop, KaasPath, Violation};

pub const CHECK_SCHEMA_VERSION: u32 = 2;
pub const PATH_SCHEMA_VERSION: u32 = 1;

/// Counts of the result line; every finding is in exactly one of blocking, warnings, passed,
/// info, not_applicable, ignored. `*_unknown` say how many of the blocking or warning ones
/// are unknown (no evidence) rather than failed. Info findings never count elsewhere.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Summary {
    blocking: usize,
    blocking_unknown: usize,
    warnings: usize,
    warnings_unknown: usize,
    passed: usize,
    info: usize,
    not_applicable: usize,
    ignored: usize,
}

fn summary(r: &Report) -> Summary {
    let unknown = |f: &Finding| f.status == Status::Unknown;
    Summary {
        blocking: r.count(Finding::blocks),
        blocking_unknown: r.count(|f| f.blocks() && unknown(f)),
        warnings: r.count(Finding::warns),
        warnings_unknown: r.count(|f| f.warns() && unknown(f)),
        passed: r.count(|f| f.severity != Severity::Info && f.status == Status::Pass),
        info: r.count(|f| {
            f.severity == Severity::Info
                && !matches!(f.status, Status::NotApplicable | Status::Ignored)
        }),
        not_applicable: r.count(|f| f.status == Status::NotApplicable),
        ignored: r.count(|f| f.status == Status::Ignored),
    }
}

impl Summary {
    /// `3 blocking (2 unknown), 1 warning, 12 passed, 6 info, 3 not applicable, 0 ignored`.
    fn line(&self) -> String {
        let part = |n: usize, one: &str, many: &str, unknown: usize| {
            let mut t = format!("{n} {}", if n == 1 { one } else { many });
            if unknown > 0 {
                t.push_str(&format!(" ({unknown} unknown)"));
            }
            t
        };
        format!(
            "{}, {}, {} passed, {} info, {} not applicable, {} ignored",
            part(self.blocking, "blocking", "blocking", self.blocking_unknown),
            part(self.warnings, "warning", "warnings", self.warnings_unknown),
            self.passed,
            self.info,
            self.not_applicable,
            self.ignored
        )
    }
}

/// The `upgrade-check` document's body (`-o json`).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Body<'a> {
    from: String,
    to: String,
    from_scs: &'a Option<String>,
    to_scs: &'a Option<String>,
    config: &'a str,
    facts: &'a Option<String>,
    /// 0 all passed, 1 warnings only, 2 blocking (or a blocking check without evidence).
    exit_code: i32,
    summary: Summary,
    findings: &'a [Finding],
}

fn release(v: &crate::base::version::Version, scs: &Option<String>) -> String {
    match scs {
        Some(s) => format!("{v} ({s})"),
        None => v.to_string(),
    }
}

pub fn check(r: &Report, f: Format) -> String {
    match f {
        Format::Json => super::json_document(
            "upgrade-check",
            CHECK_SCHEMA_VERSION,
            &Body {
                from: r.from.to_string(),
                to: r.to.to_string(),
                from_scs: &r.from_scs,
                to_scs: &r.to_scs,
                config: &r.config,
                facts: &r.facts,
                exit_code: r.exit_code(),
                summary: summary(r),
                findings: &r.findings,
            },
        ),
        Format::Junit => junit(r),
        Format::Markdown => markdown(r),
        _ => text(r),
    }
}

fn text(r: &Report) -> String {
    let mut out = format!(
        "Upgrade check: {} → {}\nConfiguration: {}\nFacts: {}\n",
        release(&r.from, &r.from_scs),
        release(&r.to, &r.to_scs),
        r.config,
        r.facts.clone().unwrap_or_else(|| {
            "none (checks that need facts from the cloud are unknown; see `scs-release upgrade collect-script`)".into()
        })
    );
    let section = |out: &mut String, title: &str, items: Vec<&Finding>| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title} ({})\n", items.len()));
        for f in items {
            let status = match f.status {
                Status::Fail => "FAIL",
                Status::Unknown => "UNKNOWN",
                Status::Manual => "MANUAL",
                _ => "INFO",
            };
            out.push_str(&format!("  {status:<8} {}  {}\n", f.id, f.title));
            for d in &f.details {
                out.push_str(&format!("           - {d}\n"));
            }
            if !f.missing.is_empty() {
                out.push_str(&format!(
                    "           unknown (missing: {})\n",
                    f.missing.join("; ")
                ));
            }
            if !f.remediation.is_empty() {
                for (i, l) in f.remediation.lines().enumerate() {
                    let head = if i == 0 { "fix:   " } else { "       " };
                    out.push_str(&format!("           {head}{l}\n"));
                }
            }
            for s in &f.sources {
                out.push_str(&format!("           source: {s}\n"));
            }
        }
    };
    section(
        &mut out,
        "BLOCKING",
        r.findings.iter().filter(|f| f.blocks()).collect(),
    );
    section(
        &mut out,
        "WARNINGS",
        r.findings.iter().filter(|f| f.warns()).collect(),
    );
    section(
        &mut out,
        "INFORMATION",
        r.findings
            .iter()
            .filter(|f| {
                f.severity == Severity::Info
                    && matches!(f.status, Status::Fail | Status::Unknown | Status::Manual)
            })
            .collect(),
    );
    let ids = |st: Status| {
        r.findings
            .iter()
            .filter(|f| f.status == st)
            .collect::<Vec<_>>()
    };
    let passed = ids(Status::Pass);
    if !passed.is_empty() {
        out.push_str(&format!("\nPASSED ({})\n", passed.len()));
        for f in passed {
            out.push_str(&format!("  {}  {}\n", f.id, f.title));
        }
    }
    let na = ids(Status::NotApplicable);
    if !na.is_empty() {
        out.push_str(&format!("\nNOT APPLICABLE ({})\n", na.len()));
        for f in na {
            out.push_str(&format!(
                "  {}  {}\n",
                f.id,
                f.details.first().map(String::as_str).unwrap_or("")
            ));
        }
    }
    let ign = ids(Status::Ignored);
    if !ign.is_empty() {
        out.push_str(&format!(
            "\nIGNORED with --ignore ({}): {}\n",
            ign.len(),
            ign.iter()
                .map(|f| f.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let s = summary(r);
    let verdict = match r.exit_code() {
        2 => "do not upgrade yet",
        1 => "upgrade possible, read the warnings",
        _ => "all checks passed",
    };
    out.push_str(&format!(
        "\nResult: {} → exit {} ({verdict})\n",
        s.line(),
        r.exit_code()
    ));
    out
}

fn markdown(r: &Report) -> String {
    use super::escape::{markdown as md, markdown_code as code, markdown_fenced as fenced};
    let mut out = format!(
        "# {}\n\n- Configuration: {}\n- Facts: {}\n",
        md(&format!(
            "Upgrade check: {} → {}",
            release(&r.from, &r.from_scs),
            release(&r.to, &r.to_scs)
        )),
        code(&r.config),
        r.facts
            .as_ref()
            .map(|f| code(f))
            .unwrap_or_else(|| "none (checks that need facts are unknown)".into())
    );
    let section = |out: &mut String, title: &str, items: Vec<&Finding>| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n## {title} ({})\n", items.len()));
        for f in items {
            out.push_str(&format!(
                "\n### {} {} {}\n",
                f.status.name().to_uppercase(),
                code(&f.id),
                md(&f.title)
            ));
            if !f.details.is_empty() || !f.missing.is_empty() {
                out.push('\n');
            }
            for d in &f.details {
                out.push_str(&format!("- {}\n", md(d)));
            }
            if !f.missing.is_empty() {
                out.push_str(&format!(
                    "- {}\n",
                    md(&format!("unknown (missing: {})", f.missing.join("; ")))
                ));
            }
            if !f.remediation.is_empty() {
                out.push_str(&format!("\nFix:\n\n{}", fenced(&f.remediation)));
            }
            out.push_str(&format!("\nSources: {}\n", md(&f.sources.join("; "))));
        }
    };
    section(
        &mut out,
        "Blocking",
        r.findings.iter().filter(|f| f.blocks()).collect(),
    );
    section(
        &mut out,
        "Warnings",
        r.findings.iter().filter(|f| f.warns()).collect(),
    );
    section(
        &mut out,
        "Information",
        r.findings
            .iter()
            .filter(|f| {
                f.severity == Severity::Info
                    && matches!(f.status, Status::Fail | Status::Unknown | Status::Manual)
            })
            .collect(),
    );
    let rest: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.status,
                Status::Pass | Status::NotApplicable | Status::Ignored
            )
        })
        .collect();
    if !rest.is_empty() {
        out.push_str("\n## Other checks\n\n");
        let mut t = Table::new(["status", "check", "title"]);
        for f in rest {
            t.row([f.status.name(), f.id.as_str(), f.title.as_str()]);
        }
        out.push_str(&t.to_markdown());
    }
    let s = summary(r);
    out.push_str(&format!(
        "\n**Result:** {} → exit {}\n",
        s.line(),
        r.exit_code()
    ));
    out
}

use super::escape::xml;

/// JUnit XML as CI systems read it (Jenkins, GitLab, Zuul, junitparser): blocking findings
/// are failures (`fail`) or errors (`unknown`: the check could not be evaluated); warnings
/// are passing cases with a `<system-out>` and a `warnings` property, so that a job that
/// accepts exit 1 is not red; manual, n/a and ignored checks are skipped.
fn junit(r: &Report) -> String {
    let failures = r.count(|f| f.blocks() && f.status == Status::Fail);
    let errors = r.count(|f| f.blocks() && f.status == Status::Unknown);
    let warnings = r.count(Finding::warns);
    let skipped = r.count(|f| {
        matches!(
            f.status,
            Status::Manual | Status::NotApplicable | Status::Ignored
        )
    });
    let name = format!("upgrade check {} → {}", r.from, r.to);
    // JUnit's timestamp is a local date-time without zone: UTC here.
    let (time, stamp) = match &r.timing {
        Some(t) => (
            format!(" time=\"{:.3}\"", t.seconds),
            format!(" timestamp=\"{}\"", t.started.strftime("%Y-%m-%dT%H:%M:%S")),
        ),
        None => (String::new(), String::new()),
    };
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\"{time}",
        r.findings.len()
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"scs-release\" {counts}>\n"));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" {counts}{stamp}>\n    <properties>\n",
        xml(&name)
    ));
    for (k, v) in [
        ("from", r.from.to_string()),
        ("to", r.to.to_string()),
        ("exit_code", r.exit_code().to_string()),
        ("warnings", warnings.to_string()),
    ] {
        out.push_str(&format!(
            "      <property name=\"{k}\" value=\"{}\"/>\n",
            xml(&v)
        ));
    }
    out.push_str("    </properties>\n");
    for f in &r.findings {
        out.push_str(&format!(
            "    <testcase classname=\"upgrade.{}\" name=\"{}: {}\" time=\"0\">\n",
            f.severity.name(),
            xml(&f.id),
            xml(&f.title)
        ));
        let mut body = f.details.join("\n");
        if !f.missing.is_empty() {
            body.push_str(&format!("\nunknown (missing: {})", f.missing.join("; ")));
        }
        if !f.remediation.is_empty() {
            body.push_str(&format!("\nfix: {}", f.remediation));
        }
        let body = body.trim();
        if f.blocks() {
            let (tag, msg) = if f.status == Status::Unknown {
                (
                    "error",
                    format!("unknown (missing: {})", f.missing.join("; ")),
                )
            } else {
                ("failure", f.details.first().cloned().unwrap_or_default())
            };
            out.push_str(&format!(
                "      <{tag} type=\"block-{}\" message=\"{}\">{}</{tag}>\n",
                f.status.name(),
                xml(&msg),
                xml(body)
            ));
        } else if f.warns() {
            out.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml(&format!("warning ({}): {body}", f.status.name()))
            ));
        } else if f.status != Status::Pass {
            out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml(&format!("{} ({})", f.status.name(), f.severity.name()))
            ));
            if !body.is_empty() {
                out.push_str(&format!("      <system-out>{}</system-out>\n", xml(body)));
            }
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// What `upgrade path` shows.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PathView {
    pub from: String,
    pub to: String,
    /// Rules a direct jump breaks (empty when it is allowed).
    pub direct_refused: Vec<Violation>,
    pub hops: Vec<Hop>,
    pub kaas: Vec<KaasPath>,
}

pub fn path(v: &PathView, f: Format) -> String {
    if f == Format::Json {
        return super::json_document("upgrade-path", PATH_SCHEMA_VERSION, v);
    }
    let md = f == Format::Markdown;
    let esc = |s: String| {
        if md { super::escape::markdown(&s) } else { s }
    };
    let mut out = format!(
        "{}{}\n",
        if md { "# " } else { "" },
        esc(format!(
            "Upgrade path {} → {}: {} hop{}",
            v.from,
            v.to,
            v.hops.len(),
            if v.hops.len() == 1 { "" } else { "s" }
        ))
    );
    if !v.direct_refused.is_empty() {
        out.push_str(&format!(
            "\nThe direct upgrade {} → {} is refused:\n",
            v.from, v.to
        ));
        for x in &v.direct_refused {
            out.push_str(&format!(
                "- {}\n",
                esc(format!(
                    "{}: {} → {}: {}",
                    x.component, x.from, x.to, x.reason
                ))
            ));
        }
    }
    for (i, h) in v.hops.iter().enumerate() {
        let end = |v: &crate::base::version::Version, s: &Option<String>| release(v, s);
        out.push_str(&format!(
            "\n{}Hop {}: {} → {}\n",
            if md { "## " } else { "" },
            i + 1,
            end(&h.from, &h.from_scs),
            end(&h.to, &h.to_scs)
        ));
        if !md {
            out.push('\n');
        }
        let mut t = Table::new(["component", "from", "to", "rule"]);
        for s in &h.steps {
            t.row([
                s.component.as_str(),
                s.from.as_str(),
                s.to.as_str(),
                s.rule.as_str(),
            ]);
        }
        out.push_str(&if md { t.to_markdown() } else { t.to_text() });
        out.push_str(&format!("Check it first: scs-release upgrade check --from {} --to {} --config DIR --facts DIR\n", h.from, h.to));
    }
    for k in &v.kaas {
        out.push_str(&format!(
            "\n{}KaaS {} clusters\n",
            if md { "## " } else { "" },
            k.track
        ));
        for s in &k.steps {
            out.push_str(&format!("- {}\n", esc(s.clone())));
        }
        if let Some(r) = &k.refused {
            out.push_str(&format!("- {}\n", esc(format!("refused: {r}"))));
        }
    }
    out
}

/// The read-only script that fills a facts directory. `mons`: mon hosts from the inventory,
/// when a configuration repository was given.
pub fn collect_script(mons: Option<&[String]>) -> String {
    let hosts: Vec<String> = mons
        .unwrap_or_default()
        .iter()
        .map(|h| sh_quote(h))
        .collect();
    let mut s = String::new();
    s.push_str(
        r#"#!/usr/bin/env bash
# Collect the facts for `scs-release upgrade check --facts DIR`.
# Generated by `scs-release upgrade collect-script`. Read-only: it runs only commands that
# show state (ceph health/versions/auth ls/quorum_status, openstack role list, kubectl get
# nodes, stat, osism migrate rabbitmq3to4 check, git ls-files) with your existing admin
# credentials, and writes files only below $FACTS.
# Run it on the OSISM manager as the operator user (dragon), which has the ceph and openstack
# clients and SSH access to the nodes.
#
#   FACTS      output directory                      (default: ./facts)
#   MON_HOSTS  Ceph mon hosts, space-separated       (default: from the inventory, below)
#   OS_CLOUD   openstack cloud name with admin rights (default: admin)
#   KAAS_KUBECONFIGS  space-separated kubeconfig files of KaaS workload clusters
#                     (not the manager's internal k3s); optional; a leading ~/ is $HOME/
#
# Exit 0: every command worked; 1: some failed (their facts are missing, the checks that
# need them report unknown); 2: all failed. Each failure is shown with its stderr.
#
# Every value is data: host names are checked before use and never reach a shell unquoted.
set -u
set -f
# tilde PATH: a leading ~ or ~/ as the shell would expand it unquoted ("~/wl1.yaml" in
# quotes reaches the script as is).
tilde() {
  case "$1" in
    "~") printf '%s' "$HOME" ;;
    "~/"*) printf '%s/%s' "$HOME" "${1#"~/"}" ;;
    *) printf '%s' "$1" ;;
  esac
}
FACTS="$(tilde "${FACTS:-./facts}")"
"#,
    );
    s.push_str(&format!(
        "# Ceph mon hosts (inventory group ceph-control)\nINVENTORY_MON_HOSTS=({})\n",
        hosts.join(" ")
    ));
    s.push_str(
        r#"if [ -n "${MON_HOSTS+set}" ]; then
  read -r -a mon_hosts <<< "$MON_HOSTS"
else
  mon_hosts=(${INVENTORY_MON_HOSTS[@]+"${INVENTORY_MON_HOSTS[@]}"})
fi
OS_CLOUD="${OS_CLOUD:-admin}"
read -r -a kubeconfigs <<< "${KAAS_KUBECONFIGS:-}"
mkdir -p -- "$FACTS" || exit 2
ran=0
failed=0

# save FILE COMMAND...: write the command's output, or remove the file if it failed, so that
# the checks needing it report "unknown" instead of reading half an answer. A failure shows
# the command's stderr (its first 5 lines).
save() {
  local file="$FACTS/$1"; shift
  mkdir -p -- "$(dirname -- "$file")"
  ran=$((ran + 1))
  if "$@" > "$file.tmp" 2> "$file.err" && [ -s "$file.tmp" ]; then
    mv -- "$file.tmp" "$file"; rm -f -- "$file.err"; echo "ok      $file"
  else
    failed=$((failed + 1))
    echo "FAILED  $file ($*)" >&2
    if [ -s "$file.err" ]; then
      head -n 5 -- "$file.err" | sed 's/^/        | /' >&2
    elif [ ! -s "$file.tmp" ]; then
      echo "        | (no output)" >&2
    fi
    rm -f -- "$file.tmp" "$file.err"
  fi
}

# plain NAME: a host or cluster name that is safe as an ssh destination and a path component.
plain() {
  case "$1" in
    ''|.|..|[!A-Za-z0-9]*|*[!A-Za-z0-9._:-]*) return 1 ;;
  esac
}

save ceph-health.json        ceph health -f json
save ceph-quorum-status.json ceph quorum_status -f json
save ceph-versions.json      ceph versions -f json
# The keys are blanked: the checks only read the entity names.
save ceph-auth-ls.json       sh -c 'ceph auth ls -f json | sed -E "s/\"key\":\"[^\"]*\"/\"key\":\"\"/g"'
save openstack-role-list.json openstack --os-cloud "$OS_CLOUD" role list -f json
save openstack-role-assignment-list.json openstack --os-cloud "$OS_CLOUD" role assignment list --project service --names -f json
# Classic or quorum queues (OSISM 10 needs RabbitMQ 4 with quorum queues); read-only, needs
# the manager of OSISM 9.x or later.
save rabbitmq3to4-check.txt osism migrate rabbitmq3to4 check

if [ "${#mon_hosts[@]}" -eq 0 ]; then
  echo "MON_HOSTS is empty: set it to the Ceph mon hosts (inventory group ceph-control)" >&2
fi
for host in ${mon_hosts[@]+"${mon_hosts[@]}"}; do
  if ! plain "$host"; then
    printf 'SKIPPED host %q: not a plain host name\n' "$host" >&2
    continue
  fi
  save "hosts/$host/stat-var-lib-ceph.txt" ssh -o BatchMode=yes -- "$host" "stat -c '%n %F %u:%g %a' /var/lib/ceph/*"
done

for kc in ${kubeconfigs[@]+"${kubeconfigs[@]}"}; do
  kc="$(tilde "$kc")"
  cluster="$(basename -- "$kc")"; cluster="${cluster%.yaml}"; cluster="${cluster%.yml}"
  if ! plain "$cluster"; then
    printf 'SKIPPED kubeconfig %q: its file name is not a plain cluster name\n' "$kc" >&2
    continue
  fi
  save "k8s/$cluster/nodes.json" kubectl --kubeconfig "$kc" get nodes -o json
done

# Keyrings that the configuration repository ignores (.gitignore) and a deploy step writes
# (the copy-ceph-keys play): their structure only, every value after `=` redacted, so the
# keys themselves never leave the manager. CONFIG_DIR: the manager's configuration repository.
generated_files() {
  cd -- "$(tilde "${CONFIG_DIR:-/opt/configuration}")" || return 1
  git rev-parse --git-dir > /dev/null || return 1
  printf '# ignored keyrings of %s (values redacted)\n' "$PWD"
  git ls-files --others --ignored --exclude-standard -z -- environments |
    while IFS= read -r -d '' f; do
      case "$f" in *.keyring) ;; *) continue ;; esac
      case "$f" in *$'\n'*|*' bytes='*) continue ;; esac
      [ -f "$f" ] && [ ! -L "$f" ] || continue
      size="$(wc -c < "$f" | tr -d ' ')"
      if [ "$size" -gt 0 ] && [ -z "$(tail -c 1 -- "$f" | tr -d '\n')" ]; then nl=yes; else nl=no; fi
      printf '== %s bytes=%s newline=%s\n' "$f" "$size" "$nl"
      sed -E 's/=.*/= <redacted>/' -- "$f"
      [ "$nl" = yes ] || [ "$size" -eq 0 ] || echo
    done
}
save generated-files.txt generated_files

if [ "$failed" -eq 0 ]; then
  echo "Facts written to $FACTS. Next: scs-release upgrade check --from FROM --to TO --config DIR --facts $FACTS"
elif [ "$failed" -lt "$ran" ]; then
  echo "$failed of $ran commands FAILED (above); the other facts are in $FACTS: the checks that need the missing ones report unknown" >&2
  exit 1
else
  echo "all $ran commands FAILED (above): nothing collected. Run this on the OSISM manager as the operator user (dragon)" >&2
  exit 2
fi
"#,
    );
    s
}

/// `value` as one single-quoted POSIX shell word: `mon'02` → `'mon'\''02'`.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}
