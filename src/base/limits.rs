//! Bounds on hostile or broken input, in one place. Every reader checks these before it
//! allocates in proportion to its input, and fails with the file (and line or field) and the
//! limit, never with an abort.
//!
//! The YAML budgets are serde-saphyr's defaults, made explicit so the tree reader
//! ([`crate::base::yaml::parse_tree`]) applies the same numbers as the typed one
//! ([`crate::base::yaml::from_str`]).

use std::io::Read;
use std::path::Path;

/// Largest YAML file read (configuration repositories, osism/release, release data). The
/// largest real ones are a few hundred KiB.
pub const YAML_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest nesting of YAML sequences and mappings (serde-saphyr `Budget::max_depth`).
pub const YAML_MAX_DEPTH: usize = 64;
/// Parser events of one document (serde-saphyr `Budget::max_events`).
pub const YAML_MAX_EVENTS: usize = 1_000_000;
/// Nodes (scalars, sequences, mappings) as written (serde-saphyr `Budget::max_nodes`).
pub const YAML_MAX_NODES: usize = 250_000;
/// Alias references `*x` (serde-saphyr `Budget::max_aliases`).
pub const YAML_MAX_ALIASES: usize = 50_000;
/// Anchors `&x` (serde-saphyr `Budget::max_anchors`).
pub const YAML_MAX_ANCHORS: usize = 50_000;
/// Parser events copied in by expanding aliases, summed over the document (serde-saphyr
/// `AliasLimits::max_total_replayed_events`; a scalar is one event, a sequence or mapping two
/// plus its content). This is what stops an alias bomb: a "billion laughs" of 10 levels of 10
/// references fails after copying about a million events, in a fifth of a second.
pub const YAML_MAX_EXPANDED_EVENTS: usize = 1_000_000;
/// Bytes of scalar text, as written plus copied in by aliases (serde-saphyr
/// `Budget::max_total_scalar_bytes`).
pub const YAML_MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// Largest count of one role in a site (`controllers`, `computes`, `ceph.osd_hosts`, KaaS
/// `workers`, …), also when counted from an inventory. The largest OpenStack clouds run a few
/// thousand nodes per role and region; the planner keeps one outage point per host and
/// samples serial steps host by host, so this also keeps a plan within seconds. The same as
/// the largest host range one inventory line may expand to.
pub const SITE_MAX_HOSTS: u32 = 10_000;
/// Most KaaS clusters in a site (each one adds its own copy of the KaaS steps).
pub const SITE_MAX_KAAS_CLUSTERS: usize = 100;

/// Largest file read out of a git tree at a tag (`releases import-defaults`): the same as a
/// YAML file on disk.
pub const GIT_TREE_MAX_BLOB_BYTES: u64 = YAML_MAX_FILE_BYTES;
/// Most bytes read out of one git tree, over all files (osism/defaults reads about 200 KiB).
pub const GIT_TREE_MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries (files and folders) walked in one git tree (osism/defaults has under 100).
pub const GIT_TREE_MAX_ENTRIES: usize = 100_000;

/// Largest inventory file (real ones are a few KiB).
pub const INVENTORY_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most host names in one inventory, over all lines and files (repeats counted). Kept at ten
/// times [`SITE_MAX_HOSTS`] rather than lowered: OSISM's inventories name each node in a
/// handful of groups (the testbed's nodes are in `generic`, `control` or `compute`, `network`,
/// `ceph-control` or `ceph-resource`, …, some in several files), so a site at the per-role
/// bound, read from its inventory, needs several times 10,000 entries, and a bound of 10,000
/// would refuse sites the planner accepts. Reading is linear (each name is built once in a
/// reused buffer, looked up once, and copied only when new): 100,000 distinct names read in
/// about 35 ms in a release build, 0.3 s under the fuzzer's ASan build.
pub const INVENTORY_MAX_HOSTS: usize = 100_000;
/// Most bytes of host names in one inventory, over all lines and files (repeats counted): the
/// same as one inventory file. Real names are under 64 bytes (100,000 of them take 6 MiB);
/// without it a long name times a range, `…4000 bytes…[0:9999]`, built 40 MB from one line.
pub const INVENTORY_MAX_HOST_BYTES: u64 = INVENTORY_MAX_FILE_BYTES;

/// Largest facts file (`openstack role assignment list` of a large cloud is a few MiB).
pub const FACTS_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Largest `upgrade record --log` file.
pub const LOG_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Longest line of a timing log (a line holds one step id and two timestamps).
pub const LOG_MAX_LINE_BYTES: usize = 4096;
/// Most timing lines in one log (a multi-hop upgrade has a few hundred steps).
pub const LOG_MAX_LINES: usize = 100_000;
/// Longest step id in a timing log (catalogue ids are under 40 characters; `6-7/` prefixes
/// and `@host` suffixes add a few more).
pub const STEP_ID_MAX_CHARS: usize = 200;

/// Largest run-data file `upgrade record` reads besides a timing log: an ARA export, a
/// journald or `docker events` export, a probe log. A whole OSISM upgrade of a large cloud
/// gives ARA results of tens of MiB (about 300 bytes per result, pretty-printed), and a probe
/// log of 10 APIs at 0.5 s over 8 hours about 100 MiB.
pub const RECORD_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Longest line of a journald (`journalctl -o json`) or `docker events` export: one entry
/// with all its fields is 1–4 KiB.
pub const RECORD_MAX_LINE_BYTES: usize = 64 * 1024;
/// Most entries (lines, or elements of an ARA JSON array) in one run-data file.
pub const RECORD_MAX_ENTRIES: usize = 4_000_000;
/// Longest name in run data: a host, service, playbook path, play or task name.
pub const RECORD_MAX_NAME_CHARS: usize = 1000;

/// Longest word that "did you mean" compares (longer ones get no suggestion).
pub const SUGGEST_MAX_CHARS: usize = 200;

/// Deepest nesting of partials in a template (after the cycle check this only bounds
/// chains of distinct inline partials).
pub const TEMPLATE_MAX_PARTIAL_DEPTH: usize = 32;
/// Deepest nesting of blocks (`{{#if}}`, `{{#each}}`, …) in a template.
pub const TEMPLATE_MAX_BLOCK_DEPTH: usize = 64;
/// Largest template file.
pub const TEMPLATE_MAX_BYTES: u64 = 1024 * 1024;

/// A file too large for what it is.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the file is larger than {} (the limit for {what})", human_bytes(*limit))]
    TooLarge { limit: u64, what: &'static str },
    #[error(transparent)]
    Text(#[from] TextError),
}

/// Bytes that are not text, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("not text: a NUL byte at line {line}, column {column} (a binary file?)")]
    Binary { line: usize, column: usize },
    #[error("not UTF-8 text: invalid byte at line {line}, column {column}")]
    NotUtf8 { line: usize, column: usize },
}

/// Bytes as text, or where they stop being text (1-based line and byte column).
pub fn text(bytes: Vec<u8>) -> Result<String, TextError> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let (line, column) = line_column(&bytes, at);
        return Err(TextError::Binary { line, column });
    }
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(e.as_bytes(), e.utf8_error().valid_up_to());
        TextError::NotUtf8 { line, column }
    })
}

fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, column)
}

/// Read a UTF-8 file of at most `limit` bytes; never reads more than `limit + 1` bytes.
pub fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, ReadError> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, what });
    }
    Ok(text(bytes)?)
}

/// `16 MiB`, `4096 bytes`.
pub fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}
