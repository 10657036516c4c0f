//! Runs the catalogue against the evidence: every check that applies to the upgrade, each
//! evaluated by [`super::eval`], into one [`Report`].

use super::catalog::Check;
use super::eval::{self, Inputs};
use super::report::{Finding, Report, Status};

/// Run every check of the catalogue that applies to `from → to`.
pub fn run(
    checks: &[Check],
    inputs: &Inputs,
    ignore: &[String],
    config_label: String,
    facts_label: Option<String>,
) -> Report {
    let mut findings = Vec::new();
    let mut other = 0;
    for c in checks {
        if !c.applies_to.matches(inputs.from, inputs.to) {
            other += 1;
            continue;
        }
        let mut f = Finding {
            id: c.id.clone(),
            title: c.title.clone(),
            severity: c.severity,
            status: Status::Pass,
            details: Vec::new(),
            missing: Vec::new(),
            remediation: c.remediation.trim_end().to_string(),
            sources: c.sources.clone(),
        };
        if ignore.iter().any(|i| i.eq_ignore_ascii_case(&c.id)) {
            f.status = Status::Ignored;
            findings.push(f);
            continue;
        }
        let r = eval::evaluate(c, inputs);
        f.status = r.state;
        f.details = r.details;
        f.missing = r.missing;
        findings.push(f);
    }
    findings.sort_by_key(|f| f.severity);
    Report {
        from: inputs.from.clone(),
        to: inputs.to.clone(),
        from_scs: inputs
            .store
            .scs_release(inputs.from)
            .map(|r| r.name.clone()),
        to_scs: inputs.store.scs_release(inputs.to).map(|r| r.name.clone()),
        config: config_label,
        facts: facts_label,
        findings,
        other_hops: other,
        timing: None,
    }
}
