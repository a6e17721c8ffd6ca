//! `seba points …`: the service-point directory from files and to files, and agent points
//! generated for scale tests.
//!
//! `import` reads a CSV or GeoJSON file, checks every row as the desk's editor would, and
//! stores all of them in one transaction or none (`--skip-bad` stores the good ones,
//! `--dry-run` only checks). Each bad row is printed to stderr as `line 7: lat: …` in
//! English and then in Bengali; a refused import exits non-zero. `export` writes the same
//! columns to stdout or a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use seba_app::cases::Caller;
use seba_app::exchange::{Format, ImportMode, ImportReport, UnknownFormat};
use seba_core::bilingual::Explain;

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum PointsCommand {
    /// Add service points from a CSV or GeoJSON file. Every row is checked; all are stored
    /// in one transaction, or none if any row is bad.
    Import(ImportArgs),
    /// Write the service points as CSV or GeoJSON (to stdout unless --output).
    Export(ExportArgs),
    /// Store generated agent points (test data, marked as such in their notice).
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file: .csv, or .geojson/.json.
    file: PathBuf,
    /// csv or geojson; by default from the file's extension, else from its content.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Store the good rows and report the bad ones, instead of refusing the whole file.
    #[arg(long)]
    skip_bad: bool,
    /// Check every row and report, storing nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// csv or geojson; by default from --output's extension, else csv.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Write to this file (replaced if it exists) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Closed points too (their `closed` column says so).
    #[arg(long)]
    include_closed: bool,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// How many agent points to add.
    #[arg(long)]
    agents: usize,
    /// The same seed places the same points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn parse_format(s: &str) -> Result<Format, UnknownFormat> {
    s.parse()
}

pub async fn run(config: &Config, command: PointsCommand) -> anyhow::Result<()> {
    match command {
        PointsCommand::Import(args) => import(config, args).await,
        PointsCommand::Export(args) => export(config, args).await,
        PointsCommand::Generate(args) => generate(config, args).await,
    }
}

async fn import(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {} / ফাইলটি পড়া যায়নি", args.file.display()))?;
    let format = args
        .format
        .or_else(|| Format::from_path(&args.file))
        .unwrap_or_else(|| Format::sniff(&bytes));
    let sheet = match seba_app::exchange::read(&bytes, format) {
        Ok(sheet) => sheet,
        Err(e) => {
            let text = e.explain();
            bail!(
                "{} ({format}): {}\n{}\nnothing was imported / কিছুই যোগ করা হয়নি",
                args.file.display(),
                text.en,
                text.bn
            );
        }
    };
    let mode = if args.skip_bad {
        ImportMode::SkipBad
    } else {
        ImportMode::AllOrNothing
    };
    let app = crate::open_app(config).await?;
    let report = if args.dry_run {
        app.check_import(sheet, mode, Caller::system()).await
    } else {
        app.import_points(sheet, mode, Caller::system()).await
    }
    .map_err(|e| anyhow::anyhow!("{} / {}", e.explain().en, e.explain().bn))?;
    print_report(&args.file, &report);
    let summary = report.summary();
    if report.refused() {
        bail!("{}\n{}", summary.en, summary.bn);
    }
    println!("{}", summary.en);
    println!("{}", summary.bn);
    Ok(())
}

/// The ignored columns and every bad row, on stderr.
fn print_report(file: &Path, report: &ImportReport) {
    if !report.ignored_columns.is_empty() {
        eprintln!(
            "{}: note: column(s) {} are not imported; an import adds new, open points",
            file.display(),
            report.ignored_columns.join(", ")
        );
        eprintln!(
            "{}: দ্রষ্টব্য: {} কলাম আমদানি হয় না; আমদানি সবসময় নতুন, খোলা সেবা কেন্দ্র যোগ করে",
            file.display(),
            report.ignored_columns.join(", ")
        );
    }
    for bad in &report.bad {
        let at = bad.at.label();
        for (field, text) in bad.problems() {
            let field = field.map(|f| format!("{f}: ")).unwrap_or_default();
            eprintln!("{}: {field}{}", at.en, text.en);
            eprintln!("{}: {field}{}", at.bn, text.bn);
        }
    }
}

async fn export(config: &Config, args: ExportArgs) -> anyhow::Result<()> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Csv);
    let app = crate::open_app(config).await?;
    let export = app
        .export_points(format, args.include_closed)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &export.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "exported {} service point(s) to {} ({format})",
                export.points,
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&export.bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

async fn generate(config: &Config, args: GenerateArgs) -> anyhow::Result<()> {
    let app = crate::open_app(config).await?;
    let started = std::time::Instant::now();
    let total = args.agents;
    let done = seba_app::demo_points::generate_agents(&app, total, args.seed, |done| {
        eprintln!("… {done} of {total} agent points");
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "generated {done} agent point(s) in {:.1} s (seed {})",
        started.elapsed().as_secs_f64(),
        args.seed
    );
    Ok(())
}
