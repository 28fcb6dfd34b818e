//! `peopledav emulator`: the local People API emulator as a standalone server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use emulator::{AccountConfig, Emulator, EmulatorConfig, FaultSpec, Seed};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8481")]
    listen: SocketAddr,
    /// An access token; each one is a separate Google account. Default: one account, `emulator`.
    #[arg(long = "token")]
    tokens: Vec<String>,
    /// Make the accounts Workspace accounts of this domain (enables the directory).
    #[arg(long)]
    workspace: Option<String>,
    /// The account with this token administers its Workspace domain: it may use the domain's
    /// shared contacts feed (`/m8/feeds/contacts/DOMAIN/full`). Needs --workspace.
    #[arg(long = "domain-admin", requires = "workspace")]
    domain_admins: Vec<String>,
    /// Load contacts from a JSON file (an array of People API Person objects).
    #[arg(long, conflicts_with = "seed_count")]
    seed: Option<PathBuf>,
    /// Create this many made-up contacts in each account.
    #[arg(long)]
    seed_count: Option<usize>,
    /// Inject faults, e.g. `500=0.05,503=0.05,429=0.05,latency=20ms,drop=0.02`.
    #[arg(long, value_parser = parse_faults)]
    faults: Option<FaultSpec>,
    /// Seconds before a write shows up in sync results (Google documents minutes).
    #[arg(long, default_value_t = 0)]
    sync_delay: u64,
    /// Keep the address books in this file: loaded at start (the seed is used only when it does
    /// not exist yet) and saved after every change and on exit.
    #[arg(long)]
    state: Option<PathBuf>,
}

fn parse_faults(s: &str) -> Result<FaultSpec, String> {
    FaultSpec::parse(s).map_err(|e| e.to_string())
}

/// The emulator configuration these flags describe.
pub fn config(args: &Args) -> anyhow::Result<EmulatorConfig> {
    let mut config = EmulatorConfig::default();
    if !args.tokens.is_empty() {
        config.accounts = args
            .tokens
            .iter()
            .enumerate()
            .map(|(i, token)| AccountConfig {
                token: token.clone(),
                email: format!(
                    "user{}@{}",
                    i + 1,
                    args.workspace.as_deref().unwrap_or("example.com")
                ),
                workspace_domain: None,
                domain_admin: false,
            })
            .collect();
    }
    if let Some(domain) = &args.workspace {
        for account in &mut config.accounts {
            account.workspace_domain = Some(domain.clone());
        }
    }
    for token in &args.domain_admins {
        let account = config
            .accounts
            .iter_mut()
            .find(|a| &a.token == token)
            .with_context(|| {
                format!("--domain-admin {token:?} names no account: pass it as --token too")
            })?;
        account.domain_admin = true;
    }
    config.seed = match (&args.seed, args.seed_count) {
        (Some(file), _) => Seed::Persons(
            emulator::load_seed_file(file)
                .with_context(|| format!("cannot load seed file {}", file.display()))?,
        ),
        (None, Some(n)) => Seed::Count(n),
        (None, None) => Seed::None,
    };
    if let Some(faults) = &args.faults {
        config.faults = *faults;
    }
    config.sync_delay = Duration::from_secs(args.sync_delay);
    config.state_file = args.state.clone();
    Ok(config)
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = config(&args)?;
    let tokens: Vec<String> = config.accounts.iter().map(|a| a.token.clone()).collect();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}: is another program using it? choose another with --listen",
                args.listen
            )
        })?;
    let addr = listener.local_addr()?;
    eprintln!("People API emulator (not Google) listening on http://{addr}");
    eprintln!("  accounts (bearer tokens): {}", tokens.join(", "));
    eprintln!(
        "  e.g. curl -H 'Authorization: Bearer {}' 'http://{addr}/v1/people/me/connections?personFields=names'",
        tokens[0]
    );
    let emulator = Emulator::open(config).context("cannot load the emulator state file")?;
    tokio::select! {
        served = emulator.clone().serve(listener) => served?,
        _ = crate::bridge::shutdown_signal() => {}
    }
    emulator
        .save()
        .context("cannot save the emulator state file")?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn config_of(argv: &[&str]) -> anyhow::Result<EmulatorConfig> {
        let cli = Cli::try_parse_from(std::iter::once("emulator").chain(argv.iter().copied()))?;
        config(&cli.args)
    }

    #[test]
    fn a_domain_admin_is_one_of_the_workspace_accounts() {
        let config = config_of(&[
            "--token",
            "a",
            "--token",
            "b",
            "--workspace",
            "acme.test",
            "--domain-admin",
            "a",
        ])
        .unwrap();
        let admins: Vec<_> = config
            .accounts
            .iter()
            .map(|a| (a.token.as_str(), a.domain_admin))
            .collect();
        assert_eq!(admins, [("a", true), ("b", false)]);
        assert!(
            config
                .accounts
                .iter()
                .all(|a| a.workspace_domain.as_deref() == Some("acme.test"))
        );

        let err = config_of(&[
            "--token",
            "a",
            "--workspace",
            "acme.test",
            "--domain-admin",
            "z",
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("\"z\""), "{err}");
        assert!(
            config_of(&["--domain-admin", "emulator"]).is_err(),
            "needs --workspace"
        );
    }
}
