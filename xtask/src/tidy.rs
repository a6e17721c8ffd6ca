//! Tidy checks, run as ordinary tests: the architecture's invariants that the compiler does
//! not enforce.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    /// The `[dependencies]` names of a crate (not dev-dependencies).
    fn deps(krate: &str) -> Vec<String> {
        let text =
            std::fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
        let mut out = Vec::new();
        let mut in_deps = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_deps = line == "[dependencies]";
                continue;
            }
            if in_deps && let Some((name, _)) = line.split_once(['=', '.']) {
                out.push(name.trim().to_string());
            }
        }
        out
    }

    fn crates() -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root().join("crates"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_pure_crates_do_no_io() {
        for krate in ["seba-core", "seba-ussd", "seba-claims"] {
            let d = deps(krate);
            for banned in [
                "tokio",
                "axum",
                "rusqlite",
                "tokio-postgres",
                "reqwest",
                "lettre",
                "seba-store",
                "seba-app",
            ] {
                assert!(
                    !d.iter().any(|x| x == banned),
                    "{krate} must not depend on {banned}"
                );
            }
        }
    }

    #[test]
    fn only_the_store_knows_sql_and_only_the_web_knows_http() {
        for c in crates() {
            let d = deps(&c);
            if c != "seba-store" {
                for sql in ["rusqlite", "tokio-postgres", "deadpool-postgres"] {
                    assert!(
                        !d.iter().any(|x| x == sql),
                        "{c} depends on {sql}: only seba-store knows SQL"
                    );
                }
            }
            // The binary wires the server up; nothing else may speak HTTP server-side.
            if c != "seba-web" && c != "seba" {
                assert!(
                    !d.iter().any(|x| x == "axum"),
                    "{c} depends on axum: only seba-web knows HTTP"
                );
            }
        }
    }

    #[test]
    fn every_module_says_why_it_exists() {
        let mut missing = Vec::new();
        for c in crates() {
            let src = root().join("crates").join(&c).join("src");
            let mut stack = vec![src];
            while let Some(dir) = stack.pop() {
                for e in std::fs::read_dir(&dir).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "rs") {
                        let text = std::fs::read_to_string(&p).unwrap();
                        if !text.trim_start().starts_with("//!") {
                            missing.push(p.display().to_string());
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "files without a //! module doc: {missing:?}"
        );
    }

    #[test]
    fn readme_starts_with_the_two_commands() {
        let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
        let blocks: Vec<&str> = readme.split("```").collect();
        let first = blocks.get(1).expect("a code block in the README");
        assert!(
            first.contains("cargo run --release -p seba -- serve --demo"),
            "{first}"
        );
        assert!(first.contains("cargo test --workspace"), "{first}");
    }
}
