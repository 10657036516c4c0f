//! Embeds `releases/` and `templates/` into the binary so the tool works with no checkout.
use std::{env, fs, path::Path};

fn walk(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json" || e == "hbs" || e == "md")
        {
            out.push(p.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The commit of the checkout (`SCS_RELEASE_COMMIT` in the environment wins, for builds
/// from a tarball), with `-dirty` never guessed; `unknown` outside git.
fn commit(root: &str) {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    println!("cargo:rerun-if-env-changed=SCS_RELEASE_COMMIT");
    let sha = env::var("SCS_RELEASE_COMMIT")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    // Rebuild when HEAD moves: the HEAD file, the branch it names, and packed refs.
    for p in ["HEAD", "packed-refs"] {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", p]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rustc-env=SCS_RELEASE_COMMIT={sha}");
}

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    commit(&root);
    let mut files = Vec::new();
    for dir in ["releases", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
        walk(&Path::new(&root).join(dir), &mut files);
    }
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for f in files {
        let rel = f
            .strip_prefix(&format!("{root}/"))
            .unwrap_or(&f)
            .to_string();
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs"),
        code,
    )
    .unwrap();
}
