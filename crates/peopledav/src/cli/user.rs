//! `peopledav user add|list|remove|passwd`: the CardDAV logins of the bridge.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use store::{GoogleAccountRef, User};

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Create a CardDAV login bound to one Google account.
    Add {
        name: String,
        /// The `[[account]]` name in the config file whose contacts this user sees.
        #[arg(long)]
        account: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the logins and their accounts.
    List,
    /// Remove a login and the bridge's copy of its address books (Google is not touched).
    Remove { name: String },
    /// Set a new password.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let (store, config) = args.data.open(config)?;
    match args.action {
        Action::Add {
            name,
            account,
            password_stdin,
        } => {
            validate_name(&name)?;
            if let Some(config) = &config
                && config.account(&account).is_none()
            {
                let known: Vec<_> = config.accounts.iter().map(|a| a.name.as_str()).collect();
                bail!(
                    "no [[account]] named {account:?} in the config file (known: {})",
                    known.join(", ")
                );
            }
            if store.user(&name)?.is_some() {
                bail!(
                    "user {name:?} exists already: use `peopledav user passwd {name}` to change its password"
                );
            }
            let password = read_password(password_stdin, &name)?;
            store.put_user(&User {
                name: name.clone(),
                password_hash: hash_password(&password)?,
                google: GoogleAccountRef {
                    label: account.clone(),
                },
            })?;
            store.flush()?;
            eprintln!("user {name} added, bound to account {account}");
        }
        Action::List => {
            for user in store.users()? {
                println!("{}\t{}", user.name, user.google.label);
            }
        }
        Action::Remove { name } => {
            if !store.remove_user(&name)? {
                bail!("no user named {name:?} (see `peopledav user list`)");
            }
            store.flush()?;
            eprintln!("user {name} removed");
        }
        Action::Passwd {
            name,
            password_stdin,
        } => {
            let Some(mut user) = store.user(&name)? else {
                bail!("no user named {name:?} (see `peopledav user list`)");
            };
            user.password_hash = hash_password(&read_password(password_stdin, &name)?)?;
            store.put_user(&user)?;
            store.flush()?;
            eprintln!("password of {name} changed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// User names become URL segments: keep them to a safe alphabet.
pub fn validate_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        && !name.starts_with('.');
    if !ok {
        bail!("invalid user name {name:?}: use 1 to 64 letters, digits, '-', '_', '.', '@'");
    }
    Ok(())
}

fn read_password(from_stdin: bool, name: &str) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password(format!("password for {name}: "))
            .context("cannot prompt for a password (no terminal? use --password-stdin)")?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    };
    if password.chars().count() < 4 {
        bail!("the password is too short: use at least 4 characters");
    }
    Ok(password)
}

/// An argon2id PHC string with a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}
