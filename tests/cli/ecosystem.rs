//! The files that put scs-release into other tools: the GitHub Action, the example workflow
//! and Zuul job (valid YAML, of the right shape, and every scs-release command line in them
//! parses), and the container smoke script (skips without an engine, never fails CI for it).

use std::path::Path;

use serde_json::Value;

use crate::common::repo_root;

fn yaml(rel: &str) -> Value {
    let p = repo_root().join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    scs_release::base::yaml::from_str::<Value>(&text, Path::new(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `scs-release COMMAND ARGS` with `${{ … }}` / `{{ … }}` expressions replaced by a word,
/// parsed by the real command line.
fn parses(command: &str, args: &str) {
    let expr = regex::Regex::new(r"\$?\{\{[^}]*\}\}").unwrap();
    let line = expr
        .replace_all(&format!("{command} {args}"), "X")
        .into_owned();
    let words: Vec<&str> = std::iter::once("scs-release")
        .chain(line.split_whitespace())
        .collect();
    if let Err(e) = scs_release::cli::command().try_get_matches_from(&words) {
        panic!("{words:?}: {e}");
    }
}

#[test]
fn the_action_is_a_composite_action_with_command_and_args() {
    let a = yaml("action.yml");
    assert_eq!(a["runs"]["using"], "composite");
    assert_eq!(a["inputs"]["command"]["required"], true);
    assert!(a["inputs"]["args"].is_object());
    let steps = a["runs"]["steps"].as_array().unwrap();
    assert!(steps.len() >= 2);
    for s in steps {
        assert_eq!(s["shell"], "bash", "{s}");
        assert!(
            s["run"].as_str().is_some_and(|r| r.contains("set -")),
            "{s}"
        );
    }
    let run = steps.last().unwrap()["run"].as_str().unwrap();
    assert!(run.contains("exit-code=$code"), "{run}");
    // The inputs reach the shell as variables, never pasted into the script.
    for s in steps {
        assert!(!s["run"].as_str().unwrap().contains("${{"), "{s}");
    }
}

#[test]
fn the_example_workflow_checks_out_full_history_and_runs_notes_and_a_junit_check() {
    let w = yaml("docs/examples/github-workflow.yml");
    let jobs = w["jobs"].as_object().unwrap();
    let mut commands = Vec::new();
    for (name, job) in jobs {
        let steps = job["steps"].as_array().unwrap();
        let checkout = steps
            .iter()
            .find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/checkout@"))
            })
            .unwrap_or_else(|| panic!("{name}: no checkout"));
        assert_eq!(checkout["with"]["fetch-depth"], 0, "{name}");
        for s in steps {
            if s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("/scs-release@"))
            {
                let (c, a) = (
                    s["with"]["command"].as_str().unwrap(),
                    s["with"]["args"].as_str().unwrap_or(""),
                );
                parses(c, a);
                commands.push(format!("{c} {a}"));
            }
        }
    }
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("notes ") && c.contains("--prepend")),
        "{commands:?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("upgrade check ") && c.contains("-o junit")),
        "{commands:?}"
    );
}

#[test]
fn the_example_zuul_jobs_are_valid_and_their_commands_parse() {
    let z = yaml("docs/examples/zuul-job.yaml");
    let items = z.as_array().unwrap();
    let jobs: Vec<&Value> = items.iter().filter_map(|i| i.get("job")).collect();
    assert_eq!(jobs.len(), 2);
    for j in jobs {
        assert!(j["name"].as_str().unwrap().starts_with("scs-release-"));
        assert_eq!(j["run"], "playbooks/scs-release.yaml");
        parses(
            j["vars"]["scs_release_command"].as_str().unwrap(),
            j["vars"]["scs_release_args"].as_str().unwrap(),
        );
    }
    assert!(items.iter().any(|i| i.get("project").is_some()));
}

#[test]
fn container_smoke_script_skips_without_an_engine_and_fails_only_when_required() {
    let script = repo_root().join("scripts/container-smoke.sh");
    let run = |required: bool| {
        let mut c = std::process::Command::new("bash");
        c.arg(&script).env("CONTAINER_ENGINE", "no-such-engine");
        if required {
            c.env("CONTAINER_SMOKE_REQUIRED", "1");
        }
        let o = c.output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert_eq!(
        run(false),
        (
            Some(0),
            "container smoke test skipped: container engine no-such-engine not found\n".into(),
            String::new()
        )
    );
    let (code, _, err) = run(true);
    assert_eq!(code, Some(1));
    assert!(err.contains("container engine no-such-engine not found (CONTAINER_SMOKE_REQUIRED=1)"));
    // The Containerfile is multi-stage with git in the runtime.
    let cf = std::fs::read_to_string(repo_root().join("Containerfile")).unwrap();
    assert_eq!(cf.matches("\nFROM ").count(), 2, "two stages");
    let runtime = cf.rsplit("\nFROM ").next().unwrap();
    assert!(
        runtime.contains("install -y -qq --no-install-recommends git "),
        "{runtime}"
    );
    assert!(runtime.contains("COPY --from=build"));
}
