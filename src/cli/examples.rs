//! The `Examples:` section of every command's `--help` (as gh and kubectl show them), kept in
//! one table so that each command's arguments stay readable in their own file. A test walks
//! the command tree: a command without examples here fails it.

/// (command path, examples).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "releases",
        "  scs-release releases list\n  scs-release releases show R6\n  scs-release releases diff 6.0.0 7.0.0",
    ),
    (
        "releases list",
        "  scs-release releases list\n  scs-release releases list -o json | jq -r '.releases[] | select(.prerelease | not) | .version'",
    ),
    (
        "releases show",
        "  scs-release releases show 7.0.0b\n  scs-release releases show R6-RC1 -o markdown",
    ),
    (
        "releases diff",
        "  scs-release releases diff 6.0.0 7.0.0\n  scs-release releases diff --from R5 --to R6 -o json",
    ),
    (
        "releases import",
        "  scs-release releases import --osism ../release --version 7.0.0b --into .\n  scs-release releases import --osism ../release --version 7.0.0b --stdout",
    ),
    (
        "releases sync",
        "  scs-release releases sync --osism ../release --into . --dry-run\n  scs-release releases sync --osism ../release --notes ../osism.github.io --into .",
    ),
    (
        "releases import-defaults",
        "  scs-release releases import-defaults --defaults ../defaults --ref v0.20240319.0 --into .\n  scs-release releases import-defaults --defaults ../defaults --pinned --into .",
    ),
    (
        "releases schema",
        "  scs-release releases schema scs > releases/schema/scs.schema.json\n  scs-release releases schema site",
    ),
    (
        "notes",
        "  scs-release notes --track kaas-v2 --release R6 --repo SovereignCloudStack/csctl=../csctl\n  scs-release notes --track scs --release R6 --repo ../csctl --from v0.1.0 --to v0.2.0 --prepend CHANGELOG.md\n  scs-release notes --track kaas-v1 --release R6 --repo ../k8s-cluster-api-provider --context -O ctx.json\n  scs-release notes --from-context ctx.json --template my.md.hbs",
    ),
    (
        "rc",
        "  scs-release rc status 7.0.0b --repos ~/src\n  scs-release rc diff 7.0.0a 7.0.0b",
    ),
    (
        "rc status",
        "  scs-release rc status 7.0.0b\n  scs-release rc status R6-RC1 --repos ~/src --fetch --all\n  scs-release rc status 7.0.0b --offline -o json",
    ),
    (
        "rc diff",
        "  scs-release rc diff 7.0.0a 7.0.0b\n  scs-release rc diff --from R6-RC0 --to R6-RC1 --repos ~/src --check",
    ),
    (
        "rc cut",
        "  scs-release rc cut 7.0.0c --from 7.0.0b --repos ~/src\n  scs-release --data . rc cut 7.0.0c --from 7.0.0b --repos ~/src --execute --tag",
    ),
    (
        "rc promote",
        "  scs-release rc promote 7.0.0d 7.0.0 --repos ~/src\n  scs-release --data . rc promote 7.0.0d 7.0.0 --repos ~/src --execute",
    ),
    (
        "upgrade",
        "  scs-release upgrade path --from 6.0.0 --to 8.0.0\n  scs-release upgrade check --from 6.0.0 --to 7.0.0 --config ./cfg --facts ./facts\n  scs-release upgrade plan --from 6.0.0 --to 7.0.0 --window 6h",
    ),
    (
        "upgrade check",
        "  scs-release upgrade collect-script --config ./cfg > collect.sh   # run it on the manager\n  scs-release upgrade check --from 6.0.0 --to 7.0.0 --config ./cfg --facts ./facts\n  scs-release upgrade check --from R5 --to R6 --config ./cfg -o junit -O check.xml --ignore GILT-40",
    ),
    (
        "upgrade path",
        "  scs-release upgrade path --from 6.0.0 --to 8.0.0\n  scs-release upgrade path --from R5 --to R7 -o json",
    ),
    (
        "upgrade collect-script",
        "  scs-release upgrade collect-script --config ./cfg > collect.sh\n  KAAS_KUBECONFIGS=\"$HOME/wl1.yaml $HOME/wl2.yaml\" sh collect.sh ./facts",
    ),
    (
        "upgrade plan",
        "  scs-release upgrade plan --from 6.0.0 --to 7.0.0\n  scs-release upgrade plan --from R5 --to R6 --config ./cfg --window 6h --start 2024-03-23T20:00+01:00\n  scs-release upgrade plan --from 6.0.0 --to 7.0.0 -o json -O plan.json",
    ),
    (
        "upgrade record",
        "  scs-release upgrade record --history ./history --log timings.jsonl\n  scs-release upgrade record --history ./history --ara-playbooks pb.json --journal journal.json --probe probe.jsonl",
    ),
    (
        "upgrade validate",
        "  scs-release upgrade validate --plan plan.json --probe probe.jsonl\n  scs-release upgrade validate --plan plan.json --probe probe.jsonl -o junit -O validate.xml",
    ),
    (
        "upgrade probe",
        "  scs-release upgrade probe --os-cloud prod --duration 6h --log probe.jsonl\n  scs-release upgrade probe --endpoints endpoints.yaml --duration 30m --log probe.jsonl",
    ),
];

/// `cmd` with the examples of the table added to each command's `--help`.
pub fn add(cmd: clap::Command) -> clap::Command {
    fn walk(cmd: clap::Command, path: &str) -> clap::Command {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        let mut cmd = match EXAMPLES.iter().find(|(p, _)| *p == path) {
            Some((_, text)) => cmd.after_help(format!("Examples:\n{text}")),
            None => cmd,
        };
        for name in names {
            let sub_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path} {name}")
            };
            cmd = cmd.mut_subcommand(&name, |s| walk(s, &sub_path));
        }
        cmd
    }
    walk(cmd, "")
}
