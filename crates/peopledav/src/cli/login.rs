//! `peopledav login`: the one-time OAuth consent of an installed-app account.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use google::Scopes;

use crate::config::{AccountAuth, BookKind, Config};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `[[account]]` (kind = "oauth") to grant access to.
    #[arg(long)]
    account: String,
}

pub async fn run(args: Args, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(path) = config else {
        bail!("peopledav login needs the config file that names the account: pass --config FILE");
    };
    let config = Config::load(path)?;
    let account = config.account(&args.account).with_context(|| {
        let known: Vec<_> = config.accounts.iter().map(|a| a.name.as_str()).collect();
        format!(
            "no [[account]] named {:?} in {} (known: {})",
            args.account,
            path.display(),
            known.join(", ")
        )
    })?;
    let AccountAuth::Oauth {
        client_secret_file,
        token_file,
        ..
    } = &account.auth
    else {
        bail!(
            "account {:?} is not an OAuth account: service accounts and the emulator need no login",
            account.name
        );
    };
    let scopes = Scopes {
        other_contacts: account.books.contains(&BookKind::Other),
        directory: account.books.contains(&BookKind::Directory),
        shared_contacts: config.reads_shared_contacts(&account.name),
    };
    google::login(client_secret_file, token_file, scopes, |url| {
        println!("Open this URL in a browser on this machine and allow access:\n\n  {url}\n");
        println!(
            "On a headless server, forward the port of the redirect first (ssh -L PORT:127.0.0.1:PORT), see docs/google-oauth.md."
        );
    })
    .await
    .with_context(|| format!("the login of account {:?} failed", account.name))?;
    println!(
        "Logged in: the tokens of account {:?} are in {} (mode 0600).",
        account.name,
        token_file.display()
    );
    Ok(ExitCode::SUCCESS)
}
