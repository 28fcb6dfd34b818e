//! `peopledav sync`: one sync round now, printing what it did (or, with --dry-run, would do).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use sync::{SyncEngine, SyncOptions};

use super::DataArgs;
use super::serve::{client, engine_config, shared_engine_config};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this user (default: every user).
    #[arg(long)]
    user: Option<String>,
    /// Print the plan without changing anything, here or at Google.
    #[arg(long)]
    dry_run: bool,
    /// Propagate deletions even when they exceed the mass-delete guard.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    data: DataArgs,
}

pub async fn run(args: Args, config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let (store, config) = args.data.open(config_path)?;
    let Some(config) = config else {
        bail!(
            "peopledav sync needs the config file that says how to reach Google: pass --config FILE"
        );
    };
    let mut users = store.users()?;
    if let Some(only) = &args.user {
        users.retain(|u| &u.name == only);
        if users.is_empty() {
            bail!("no user {only:?}; `peopledav user list` shows the users");
        }
    }
    let mut failed = false;
    for user in users {
        let account = config.account(&user.google.label).with_context(|| {
            format!(
                "user {:?} is bound to unknown account {:?}",
                user.name, user.google.label
            )
        })?;
        let engine = SyncEngine::new(
            store.clone(),
            client(&config, account).await?,
            engine_config(&config, account, &user.name),
        );
        let opts = SyncOptions {
            dry_run: args.dry_run,
            force: args.force,
        };
        match engine.sync_once(opts).await {
            Ok(report) => print!("{}:\n{report}", user.name),
            Err(e) => {
                eprintln!("{}: sync failed: {e}", user.name);
                failed = true;
            }
        }
    }
    if args.user.is_none() {
        for domain in &config.domains {
            let Some(account) = config.account(&domain.account) else {
                continue;
            };
            let engine = SyncEngine::new(
                store.clone(),
                sync::SharedContactsApi::new(client(&config, account).await?, &domain.name),
                shared_engine_config(&config, account, &domain.name),
            );
            let opts = SyncOptions {
                dry_run: args.dry_run,
                force: args.force,
            };
            match engine.sync_once(opts).await {
                Ok(report) => print!("shared contacts of {}:\n{report}", domain.name),
                Err(e) => {
                    eprintln!("shared contacts of {}: sync failed: {e}", domain.name);
                    failed = true;
                }
            }
        }
    }
    store.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
