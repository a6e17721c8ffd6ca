//! `seba`: the one binary. `seba serve` runs the server (embedded SQLite by default,
//! PostgreSQL with `--database-url`); the other subcommands administer a deployment.

mod config;
mod points;
mod serve;
mod ussd;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use seba_app::App;
use seba_app::cases::Caller;
use seba_app::random::{OsRandom, Random};
use seba_core::clock::SystemClock;
use seba_core::staff::Role;

use config::Config;

#[derive(Parser, Debug)]
#[command(
    name = "seba",
    version,
    about = "সেবা — Bengali-first customer care and complaint resolution"
)]
struct Cli {
    /// A TOML configuration file (also SEBA_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory for the embedded store (also SEBA_DATA_DIR). Default ./seba-data.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// postgres://… to use PostgreSQL instead of the embedded store (also SEBA_DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on (also SEBA_LISTEN). Default 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Load demo data once: taxonomy, queues, staff (passwords printed), a few hundred cases.
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the store's schema, then exit.
    Migrate,
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// An online, consistent copy of the embedded SQLite store.
    Backup {
        /// Where to write the copy (must not exist).
        dest: PathBuf,
    },
    /// Load the demo data without serving.
    Demo,
    /// Rebuild this node's search index from the store into a new generation while a
    /// running server keeps serving the old one; the server swaps to it once it has caught
    /// up (a stopped server serves it when it starts).
    Reindex,
    /// Search cases as the API does, from this node's search index.
    Search(SearchArgs),
    /// Service points: import from and export to CSV or GeoJSON, generate agent points.
    Points {
        #[command(subcommand)]
        command: points::PointsCommand,
    },
    /// The USSD channel: `seba ussd simulate` dials *247# against a running server.
    Ussd {
        #[command(subcommand)]
        command: ussd::UssdCommand,
    },
    /// Show what the demo SMS sink "sent" (newest first).
    Sms {
        /// Only messages to this number.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Words in Bengali, English or Banglish; a case number; or a phone number.
    query: String,
    /// Only these statuses (comma-separated).
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    queue: Option<String>,
    /// A category code; a top-level code matches its children.
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Print the effective configuration, secrets redacted.
    Show,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a staff member. The password is read from SEBA_NEW_PASSWORD or generated and printed.
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// agent, supervisor, admin or auditor; or merchant, with --merchant.
        #[arg(long)]
        role: String,
        /// For a merchant-portal user: the id of the merchant they work for.
        #[arg(long)]
        merchant: Option<i64>,
    },
    /// List staff.
    List,
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create an API token for a staff member; printed once.
    Create {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk every hash chain and name any break. Exit status 1 if one is found.
    Verify,
}

fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SEBA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_app(config: &Config) -> anyhow::Result<App> {
    config
        .app
        .validate()
        .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    let store = seba_store::open(&config.store_url())
        .await
        .context("opening the store")?;
    let app = App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(OsRandom),
        config.app.clone(),
    );
    app.bootstrap().await?;
    Ok(app)
}

/// Errors are printed for people: the message and its causes, never a backtrace (even with
/// `RUST_BACKTRACE` set), and the exit status is 1.
fn main() -> std::process::ExitCode {
    match cli_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

fn cli_main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Some(d) = cli.data_dir {
        config.data_dir = d;
    }
    if let Some(u) = cli.database_url {
        config.database_url = seba_app::settings::Secret::new(u);
    }
    if let Command::Serve {
        listen: Some(l), ..
    } = &cli.command
    {
        config.listen = l.clone();
    }
    init_logging(&config.log_format);
    if let Command::Config {
        command: ConfigCommand::Show,
    } = &cli.command
    {
        print!("{}", toml::to_string_pretty(&config)?);
        return Ok(());
    }
    config.ensure_pepper()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo, .. } => serve::serve(config, demo).await,
        Command::Ussd { command } => {
            let key = Some(config.ussd.gateway_key.expose().to_string()).filter(|k| !k.is_empty());
            ussd::run(command, key).await
        }
        Command::Migrate => {
            let app = open_app(&config).await?;
            println!("store ready ({})", app.store.engine());
            Ok(())
        }
        Command::Config { .. } => Ok(()),
        Command::Demo => {
            let app = open_app(&config).await?;
            serve::load_demo(&app).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    name,
                    role,
                    merchant,
                },
        } => {
            let app = open_app(&config).await?;
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!("role must be agent, supervisor, admin, auditor or merchant")
            })?;
            let (password, generated) = match std::env::var("SEBA_NEW_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (OsRandom.token(12), true),
            };
            let id = match (role, merchant) {
                (Role::Merchant, Some(m)) => app
                    .add_merchant_user(&username, &name, &password, m, Caller::system())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                (Role::Merchant, None) => {
                    bail!("a merchant user needs --merchant ID (the merchant they work for)")
                }
                (_, Some(_)) => bail!("--merchant is only for --role merchant"),
                _ => app
                    .add_user(&username, &name, role, &password, Caller::system())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            };
            println!("added {username} (id {id}, {role})");
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::User {
            command: UserCommand::List,
        } => {
            let app = open_app(&config).await?;
            for u in app.store.users().await? {
                println!(
                    "{:>4}  {:<16} {:<10} {}{}",
                    u.id,
                    u.username,
                    u.role,
                    u.display_name,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { username, name },
        } => {
            let app = open_app(&config).await?;
            let token = app
                .create_token(&username, &name, Caller::system())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let app = open_app(&config).await?;
            let report = app
                .verify_audit()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "checked {} events in {} chains",
                report.events, report.subjects
            );
            if report.ok() {
                println!("audit trail intact");
                Ok(())
            } else {
                for b in &report.breaks {
                    println!("BROKEN: {b}");
                }
                bail!("{} broken chain(s)", report.breaks.len())
            }
        }
        Command::Backup { dest } => {
            if config.is_postgres() {
                bail!(
                    "seba backup copies the embedded SQLite store; back up PostgreSQL with pg_dump"
                );
            }
            let app = open_app(&config).await?;
            app.store.backup(&dest).await?;
            println!("backed up to {}", dest.display());
            Ok(())
        }
        Command::Reindex => reindex(&config).await,
        Command::Search(args) => search(&config, args).await,
        Command::Points { command } => points::run(&config, command).await,
        Command::Sms { to, limit } => {
            let app = open_app(&config).await?;
            let to = to
                .map(|t| seba_core::contact::Msisdn::parse(&t).map(|m| m.as_e164().to_string()))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for s in app.store.sms_sent(to.as_deref(), limit).await? {
                println!("{}  {}  {}", s.at, s.to, s.body);
            }
            Ok(())
        }
    }
}

fn search_home(config: &Config) -> seba_search::home::IndexHome {
    seba_search::home::IndexHome::new(config.data_dir.join("search"))
}

async fn reindex(config: &Config) -> anyhow::Result<()> {
    let app = open_app(config).await?;
    let home = search_home(config);
    let started = std::time::Instant::now();
    let mut last_report = std::time::Instant::now();
    let (generation, done) = seba_search::feed::reindex(&app.store, &home, |p| {
        if last_report.elapsed() >= std::time::Duration::from_secs(5) {
            last_report = std::time::Instant::now();
            eprintln!("… {} cases, {} messages", p.cases, p.messages);
        }
    })
    .await
    .with_context(|| format!("rebuilding the search index in {}", home.root().display()))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {} cases and {} messages in {secs:.1} s ({:.0} messages/s) into {}",
        done.cases,
        done.messages,
        done.messages as f64 / secs.max(0.001),
        home.path(&generation).display()
    );
    if let Some(peak) = peak_rss_mib() {
        println!("peak memory (RSS) of this rebuild: {peak:.0} MiB");
    }
    println!("published: a running server switches to it once it has caught up");
    Ok(())
}

async fn search(config: &Config, args: SearchArgs) -> anyhow::Result<()> {
    use seba_core::case::{Channel, Status};
    let query = args.query.trim();
    if query.is_empty() {
        bail!("type something to search for / কী খুঁজবেন লিখুন");
    }
    if query.len() > seba_search::MAX_QUERY_BYTES {
        bail!("the query is longer than 4,096 bytes / প্রশ্ন ৪,০৯৬ বাইটের বেশি");
    }
    let mut req = seba_search::index::SearchRequest {
        limit: args.limit.clamp(1, 100),
        queue: args.queue,
        category: args.category,
        ..Default::default()
    };
    for s in args.status.iter().flat_map(|s| s.split(',')) {
        let st: Status = s
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown status `{s}`"))?;
        req.statuses.push(st.as_str().to_string());
    }
    if let Some(ch) = args.channel {
        let ch: Channel = ch
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown channel `{ch}`"))?;
        req.channel = Some(ch.as_str().to_string());
    }
    let app = open_app(config).await?;
    let home = search_home(config);
    let Some(generation) = home.current()? else {
        bail!(
            "there is no search index in {} yet: run `seba reindex`, or serve with search.enabled = true",
            home.root().display()
        );
    };
    let index = seba_search::index::SearchIndex::open_read_only(&home.path(&generation))?;
    let intent = seba_search::analyze_query(query);
    let hits = index.search(&intent, &req)?;
    let mut shown = 0;
    for (h, case) in seba_search::index::with_cases(app.store.as_ref(), hits).await? {
        shown += 1;
        println!(
            "{}  {:<9} {:<22} {}{}",
            seba_core::ids::CaseNumber::from_id(case.id),
            case.status.as_str(),
            case.category,
            case.subject,
            if h.exact { "  (exact)" } else { "" }
        );
        if !h.exact {
            println!("    {}", plain_snippet(&h.snippet));
        }
    }
    if shown == 0 {
        println!("no matches / কিছু পাওয়া যায়নি");
    }
    Ok(())
}

/// A snippet for a terminal: matches in «», HTML entities undone.
fn plain_snippet(html: &str) -> String {
    html.replace("<b>", "«")
        .replace("</b>", "»")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace('\n', " ")
}

/// This process's peak resident memory, where the system reports it (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}
