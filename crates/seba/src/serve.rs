//! `seba serve`: open the store, start the outbox workers, serve HTTP, stop gracefully.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::watch;

use seba_app::App;
use seba_channels::delivery::{self, Adapters};
use seba_channels::email::{Mailer, SmtpMailer};
use seba_channels::notifier;
use seba_channels::sms::{HttpSmsGateway, SmsSender, StoreSink};
use seba_web::{AppState, RateLimits};

use crate::config::Config;

/// Load the demo once (cases, staff, points, wallets, the complaint cell's claims) and print
/// the staff passwords it created.
pub async fn load_demo(app: &App) -> anyhow::Result<()> {
    let users = app
        .load_demo(300)
        .await
        .map_err(|e| anyhow::anyhow!("loading demo data: {e}"))?;
    if users.is_empty() {
        println!(
            "demo data already loaded (passwords were printed the first time; `seba user add` makes more staff)"
        );
    } else {
        println!("demo data loaded: 300 cases. Staff accounts (shown once):");
        for u in users {
            println!(
                "  {:<11} {:<10} {}",
                u.username,
                u.role.to_string(),
                u.password
            );
        }
    }
    let claims = app
        .load_demo_claims()
        .await
        .map_err(|e| anyhow::anyhow!("loading demo claims: {e}"))?;
    if claims.claims > 0 {
        println!(
            "demo claims loaded: {} claims ({} filed twice) against {} merchants, all marked DEMO",
            claims.claims, claims.filed_again, claims.merchants
        );
    }
    Ok(())
}

fn adapters(config: &Config, app: &App) -> anyhow::Result<Adapters> {
    let sms: Option<Arc<dyn SmsSender>> = match config.sms.kind.as_str() {
        "store" => Some(Arc::new(StoreSink(app.store.clone()))),
        "http" => Some(Arc::new(
            HttpSmsGateway::new(config.sms.clone()).map_err(anyhow::Error::msg)?,
        )),
        "off" => None,
        other => anyhow::bail!("sms.kind `{other}` must be store, http or off"),
    };
    let email: Option<Arc<dyn Mailer>> = if config.email.smtp_url.is_empty() {
        None
    } else {
        Some(Arc::new(
            SmtpMailer::new(&config.email).map_err(anyhow::Error::msg)?,
        ))
    };
    Ok(Adapters { sms, email })
}

pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let app = crate::open_app(&config).await?;
    if demo {
        load_demo(&app).await?;
    }
    let adapters = adapters(&config, &app)?;
    // Each node keeps its own index, derived from the store and fed from the outbox.
    let index = if config.search.enabled {
        let home = seba_search::home::IndexHome::new(config.data_dir.join("search"));
        Some(Arc::new(
            seba_search::home::LiveIndex::open(home.clone()).with_context(|| {
                format!(
                    "opening the search index in {} (is another seba serving this data directory?)",
                    home.root().display()
                )
            })?,
        ))
    } else {
        None
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = vec![
        tokio::spawn(notifier::run(app.clone(), stop_rx.clone())),
        tokio::spawn(delivery::run(app.store.clone(), adapters, stop_rx.clone())),
        tokio::spawn(maintain(app.clone(), stop_rx.clone())),
        // The locator's in-memory index: loaded now, then kept current from the outbox.
        tokio::spawn(seba_app::locator::run(app.clone(), stop_rx.clone())),
    ];
    if let Some(index) = &index {
        workers.push(tokio::spawn(seba_search::feed::run(
            app.store.clone(),
            index.clone(),
            stop_rx.clone(),
        )));
    }
    let mut state = AppState::new(
        app.clone(),
        RateLimits {
            login_per_minute: config.login_per_minute,
            public_per_minute: config.public_per_minute,
            locator_per_minute: config.locator_per_minute,
            ussd_per_minute: config.ussd.per_minute,
        },
    );
    state.secure_cookies = config.secure_cookies;
    state.ussd_gate = std::sync::Arc::new(config.ussd.gate()?);
    state.ussd_simulator_numbers = std::sync::Arc::new(config.ussd.simulator_numbers()?);
    state.hotline = config.portal.hotline.clone();
    state.search = index;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "seba listening on http://{addr} (store: {})",
        app.store.engine()
    );
    tracing::info!(%addr, engine = app.store.engine(), "serving");
    axum::serve(
        listener,
        seba_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("HTTP stopped; stopping workers");
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
    Ok(())
}

/// Store upkeep once a minute.
async fn maintain(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = app.store.maintain().await {
            tracing::warn!(error = %e, "store maintenance failed");
        }
        if let Err(e) = app.ussd_upkeep().await {
            tracing::warn!(error = %e, "USSD session upkeep failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
