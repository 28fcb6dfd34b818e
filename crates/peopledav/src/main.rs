//! The `peopledav` command line: demo, serve, emulator, convert, user, sync, status, import, export, login.

mod bridge;
mod cli;
mod config;
mod status;
mod tls;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A self-hosted bridge between Google Contacts and CardDAV.
#[derive(Debug, Parser)]
#[command(name = "peopledav", version, about, long_about = None)]
struct Cli {
    /// The configuration file (see config/peopledav.example.toml).
    #[arg(long, global = true, env = "PEOPLEDAV_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Try peopledav without a Google account: emulator, demo user, sync and CardDAV in one.
    Demo(cli::demo::Args),
    /// Run the bridge as the config file describes it.
    Serve(cli::serve::Args),
    /// Import a .vcf file into a user's contacts (and so into Google), skipping duplicates.
    Import(cli::import::Args),
    /// Export a user's address book as one .vcf file.
    Export(cli::export::Args),
    /// Grant peopledav access to a Google account (OAuth in the browser, once).
    Login(cli::login::Args),
    /// Run one sync round now for every user (or one), and print what it did.
    Sync(cli::sync::Args),
    /// Show each user's sync state: last sync, pending changes, last error (exit 3 if any is not ok).
    Status(cli::status::Args),
    /// Convert between vCard and People API Person JSON.
    Convert(cli::convert::Args),
    /// Run the local People API emulator (for trying peopledav and for tests; not Google).
    Emulator(cli::emulator::Args),
    /// Manage the CardDAV logins: add, list, remove, passwd.
    User(cli::user::Args),
}

/// mimalloc: the mapping and the CardDAV answers make many small allocations, which it serves
/// markedly faster than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.config.as_deref());
    let result = match cli.command {
        Command::Demo(args) => cli::run_async(cli::demo::run(args)),
        Command::Serve(args) => cli::run_async(cli::serve::run(args, cli.config.as_deref())),
        Command::Import(args) => cli::run_async(cli::import::run(args, cli.config.as_deref())),
        Command::Export(args) => cli::export::run(args, cli.config.as_deref()),
        Command::Login(args) => cli::run_async(cli::login::run(args, cli.config.as_deref())),
        Command::Sync(args) => cli::run_async(cli::sync::run(args, cli.config.as_deref())),
        Command::Status(args) => cli::run_async(cli::status::run(args, cli.config.as_deref())),
        Command::Convert(args) => cli::convert::run(args),
        Command::Emulator(args) => cli::run_async(cli::emulator::run(args)),
        Command::User(args) => cli::user::run(args, cli.config.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr as the config file's `[log]` says (`PEOPLEDAV_LOG` overrides the level);
/// without a config, `PEOPLEDAV_LOG` or `RUST_LOG`, `info` by default. A config that does not
/// load is reported by the command itself.
fn init_logging(config: Option<&std::path::Path>) {
    let log = config
        .and_then(|p| config::Config::load(p).ok())
        .map(|c| c.log);
    let level = match &log {
        Some(log) => log.level.clone(),
        None => std::env::var("PEOPLEDAV_LOG")
            .or_else(|_| std::env::var("RUST_LOG"))
            .unwrap_or_else(|_| "info".into()),
    };
    let mut filter = tracing_subscriber::EnvFilter::try_new(&level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // sled's debug and trace lines print stored values byte by byte (password hashes, cards):
    // they stay off unless the filter asks for sled by name.
    if !level.contains("sled") {
        filter = filter.add_directive("sled=info".parse().expect("a valid directive"));
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if log.is_some_and(|l| l.format == config::LogFormat::Json) {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
