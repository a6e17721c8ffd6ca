//! `seba config show` redacts secrets; unknown keys stop the binary with their name.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{TempDir, clean_command, output_within, stderr_of, stdout_of};

#[test]
fn config_show_redacts_secrets() {
    let dir = TempDir::new("config");
    let out = clean_command()
        .current_dir(dir.path())
        .args(["config", "show"])
        .env("SEBA_DATABASE_URL", "postgres://u:topsecret@host/db")
        .env("SEBA_SMS__API_KEY", "k3y")
        .env("SEBA_APP__PEPPER", "pepper-pepper-pepper-0001")
        .env(
            "SEBA_EMAIL__SMTP_URL",
            "smtp://mailer:mailpass@127.0.0.1:25",
        )
        .env("SEBA_APP__ORG_NAME", "বিকাশ")
        .stdin(Stdio::null())
        .output()
        .expect("seba config show");
    let (stdout, stderr) = (stdout_of(&out), stderr_of(&out));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("<redacted>"), "{stdout}");
    for secret in ["topsecret", "k3y", "pepper-pepper", "mailpass"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "`{secret}` leaked:\n{stdout}\n{stderr}"
        );
    }
    // Plain settings are shown as given, and the output is TOML.
    assert!(
        stdout
            .lines()
            .any(|l| l == r#"database_url = "<redacted>""#),
        "{stdout}"
    );
    assert!(stdout.contains("বিকাশ"), "{stdout}");
    // Showing the configuration creates nothing (no data directory, no pepper file).
    assert!(
        std::fs::read_dir(dir.path()).expect("ls").next().is_none(),
        "config show wrote files"
    );

    // A secret given as a flag is redacted too.
    let out = clean_command()
        .current_dir(dir.path())
        .args([
            "--database-url",
            "postgres://u:flagsecret@host/db",
            "config",
            "show",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("seba config show");
    assert!(out.status.success());
    assert!(
        !stdout_of(&out).contains("flagsecret"),
        "{}",
        stdout_of(&out)
    );
    assert!(stdout_of(&out).contains("<redacted>"));
}

#[test]
fn unknown_configuration_keys_are_refused_by_name() {
    let dir = TempDir::new("config-unknown");
    for (var, name) in [("SEBA_LISTN", "listn"), ("SEBA_SMS__APIKEY", "apikey")] {
        let out = clean_command()
            .current_dir(dir.path())
            .args(["config", "show"])
            .env(var, "x")
            .stdin(Stdio::null())
            .output()
            .expect("seba config show");
        assert!(!out.status.success(), "{var} was accepted");
        let stderr = stderr_of(&out);
        assert!(
            stderr.contains(name),
            "the error for {var} does not name `{name}`: {stderr}"
        );
        // The same refusal stops the server before it listens.
        let mut serve = clean_command();
        serve
            .current_dir(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env(var, "x");
        let out = output_within(serve, Duration::from_secs(30));
        assert!(!out.status.success(), "serve started with {var}");
        assert!(stderr_of(&out).contains(name), "{}", stderr_of(&out));
    }
}
