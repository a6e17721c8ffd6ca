//! Staff accounts and tokens from the CLI, used against the API.

use crate::common::{ADMIN_PASSWORD, Api, Deployment, stderr_of, stdout_of};

/// `seba user add` documents that it reads the password from `SEBA_NEW_PASSWORD`, but the
/// configuration loader takes every `SEBA_*` variable as a configuration key and refuses
/// `new_password` as unknown, so the command always fails when the variable is set.
#[test]
fn user_add_takes_the_password_from_the_environment() {
    let dep = Deployment::sqlite("user-env");
    let out = dep.add_user_with_password("admin", "admin", ADMIN_PASSWORD);
    assert!(
        out.status.success(),
        "seba user add with SEBA_NEW_PASSWORD failed: {}",
        stderr_of(&out)
    );
    assert!(stdout_of(&out).contains("added admin"));
    assert!(
        !stdout_of(&out).contains(ADMIN_PASSWORD),
        "a chosen password must not be echoed"
    );
    // Too short, containing the username, or one character repeated: refused.
    for weak in ["short-pw", "my-admin2-password", "aaaaaaaaaaaaaaaa"] {
        let out = dep.add_user_with_password("admin2", "agent", weak);
        assert!(!out.status.success(), "`{weak}` was accepted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_token_works_against_the_api() {
    let dep = Deployment::sqlite("user-token");
    let token = dep.admin_token();
    let listed = dep.run_ok(&["user", "list"]);
    assert!(listed.contains("admin"), "{listed}");
    let server = dep.start("tokens");
    let api = Api::new(&server.base, &token);
    let res = api
        .client
        .get(format!("{}/api/v1/auth/me", api.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET /api/v1/auth/me");
    assert_eq!(res.status().as_u16(), 200);
    let wrong = api
        .client
        .get(format!("{}/api/v1/cases", api.base))
        .bearer_auth("seba_not-a-token")
        .send()
        .await
        .expect("GET /api/v1/cases");
    assert_eq!(wrong.status().as_u16(), 401);
    // A token made by the CLI while the server runs works at once.
    let out = dep.run(&["token", "create", "admin", "--name", "second"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let second = stdout_of(&out).trim().to_string();
    let res = api
        .client
        .get(format!("{}/api/v1/cases", api.base))
        .bearer_auth(&second)
        .send()
        .await
        .expect("GET /api/v1/cases");
    assert_eq!(res.status().as_u16(), 200);
}
