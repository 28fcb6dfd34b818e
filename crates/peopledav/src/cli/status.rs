//! `peopledav status`: per user, the last sync, what is waiting to be pushed, the last error.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::DataArgs;
use crate::status::{self, AccountInfo};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the report as JSON (for scripts and monitoring).
    #[arg(long)]
    json: bool,
    /// Only this user.
    #[arg(long)]
    user: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

pub async fn run(args: Args, config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let config = config_path.map(crate::config::Config::load).transpose()?;
    let dir = match (&args.data.data, &config) {
        (Some(dir), _) => dir.clone(),
        (None, Some(config)) => config.data_dir.clone(),
        (None, None) => bail!(
            "no data directory: pass --config FILE or --data DIR (the demo's is peopledav-demo)"
        ),
    };
    // The demo keeps its store in a `store` folder beside the emulator's state.
    let dir = if dir.join("store").is_dir() {
        dir.join("store")
    } else {
        dir
    };
    let accounts: BTreeMap<String, AccountInfo> = config
        .iter()
        .flat_map(|c| c.accounts.iter().map(move |a| (c, a)))
        .map(|(c, a)| {
            let shared = c.reads_shared_contacts(&a.name);
            (a.name.clone(), crate::bridge::account_info(a, shared))
        })
        .collect();
    let mut report = match store::Store::open(&dir) {
        Ok(store) => status::collect(&store, &accounts, args.user.as_deref()).await?,
        // A running bridge holds the store; it keeps its report beside it.
        Err(open_error) => match status::read_snapshot(&dir) {
            Ok(report) => {
                eprintln!(
                    "(the bridge is running: its report of {})",
                    status::when(report.generated_at, status::now_unix())
                );
                report
            }
            Err(_) => {
                return Err(anyhow::Error::new(open_error).context(format!(
                    "cannot read the status in {}: no store there that peopledav can open, and no {} from a running bridge",
                    dir.display(),
                    status::SNAPSHOT_FILE
                )));
            }
        },
    };
    if let Some(only) = &args.user {
        report.users.retain(|u| &u.user == only);
        if report.users.is_empty() {
            bail!("no user {only:?}; `peopledav user list` shows the users");
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", status::render_text(&report));
    }
    let failing = report.users.iter().any(|u| u.state() != "ok");
    Ok(if failing {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
