//! `seba backup DEST` while the server runs and writes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::{Api, Deployment, case_json, stderr_of, stdout_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_running_server_is_a_working_store() {
    let dep = Deployment::sqlite("backup");
    let token = dep.admin_token();
    let server = dep.start("backup");
    let api = Api::new(&server.base, &token);

    let mut numbers = Vec::new();
    for i in 0..10 {
        let v = api
            .create(
                Some(&format!("before-{i}")),
                &case_json(&format!("ব্যাকআপের আগে {i}"), &["backup"]),
            )
            .await;
        numbers.push(v["number"].as_str().expect("number").to_string());
    }
    let (status, v) = api.transition(&numbers[0], "open", Some(1)).await;
    assert_eq!(status, 200, "{v}");

    // Keep writing while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let api = Api::new(&server.base, &token);
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 500 {
                api.create(
                    Some(&format!("during-{n}")),
                    &case_json("ব্যাকআপের সময়", &["during"]),
                )
                .await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let dest = dep.dir.path().join("backup.db");
    let dest_s = dest.to_str().expect("utf-8 path").to_string();
    let backup = {
        let mut cmd = dep.cmd();
        cmd.args(["backup", &dest_s]);
        tokio::task::spawn_blocking(move || cmd.output().expect("seba backup"))
            .await
            .expect("backup task")
    };
    stop.store(true, Ordering::SeqCst);
    let written_during = writer.await.expect("writer task");
    assert!(
        backup.status.success(),
        "seba backup failed: {}{}",
        stdout_of(&backup),
        stderr_of(&backup)
    );
    assert!(
        stdout_of(&backup).contains("backed up to"),
        "{}",
        stdout_of(&backup)
    );
    eprintln!("{written_during} cases were written while the backup ran");

    // The copy is a whole deployment once the pepper is beside it.
    let restore = dep.dir.path().join("restore");
    std::fs::create_dir_all(&restore).expect("mkdir");
    std::fs::copy(&dest, restore.join("seba.db")).expect("copying the backup");
    std::fs::copy(dep.data_dir.join("pepper"), restore.join("pepper")).expect("copying the pepper");
    let restored = Deployment {
        dir: crate::common::TempDir::new("backup-restore"),
        data_dir: restore.clone(),
        backend: crate::common::Backend::Sqlite,
    };
    let out = restored.run(&["audit", "verify"]);
    assert!(
        out.status.success() && stdout_of(&out).contains("intact"),
        "audit verify of the copy: {}{}",
        stdout_of(&out),
        stderr_of(&out)
    );

    // It holds the cases, readable with plain SQLite and through a server on the copy.
    {
        let c = rusqlite::Connection::open(restore.join("seba.db")).expect("open copy");
        let ids: i64 = c
            .query_row(
                "SELECT count(*) FROM cases WHERE tags LIKE '%\"backup\"%'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(ids, 10);
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok");
    }
    drop(server);
    let server = restored.start("restored");
    let api = Api::new(&server.base, &token);
    for n in &numbers {
        let (status, v) = api.get_case(n).await;
        assert_eq!(status, 200, "case {n} missing from the copy");
        if n == &numbers[0] {
            assert_eq!(v["case"]["status"], "open");
        }
    }
    drop(server);

    // A second backup to the same file is refused, and the file is left as it was.
    let before = std::fs::read(&dest).expect("read backup");
    let out = dep.run(&["backup", &dest_s]);
    assert!(
        !out.status.success(),
        "overwriting a backup must be refused"
    );
    assert!(
        stderr_of(&out).contains("already exists"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read(&dest).expect("read backup"),
        before,
        "the refused backup changed the existing file"
    );
}
