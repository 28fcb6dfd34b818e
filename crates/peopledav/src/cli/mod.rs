//! One module per subcommand; each exposes `Args` (clap) and `run`.

pub mod convert;
pub mod demo;
pub mod emulator;
pub mod export;
pub mod import;
pub mod login;
pub mod serve;
pub mod status;
pub mod sync;
pub mod user;

use std::future::Future;
use std::process::ExitCode;

/// Runs an async subcommand on a multi-threaded tokio runtime.
pub fn run_async(fut: impl Future<Output = anyhow::Result<ExitCode>>) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(fut)
}

/// Reads FILE, or standard input for `None` or `-`.
pub fn read_input(file: Option<&std::path::Path>) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use std::io::Read;
    match file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .context("cannot read standard input")?;
            Ok(buf)
        }
    }
}

/// Where the store is: `--data DIR`, else the config file's `data_dir`.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The data directory (overrides the config file's data_dir).
    #[arg(long, env = "PEOPLEDAV_DATA_DIR")]
    pub data: Option<std::path::PathBuf>,
}

impl DataArgs {
    /// Opens the store, and the config when one was given.
    pub fn open(
        &self,
        config: Option<&std::path::Path>,
    ) -> anyhow::Result<(store::Store, Option<crate::config::Config>)> {
        let config = config.map(crate::config::Config::load).transpose()?;
        let dir = match (&self.data, &config) {
            (Some(dir), _) => dir.clone(),
            (None, Some(config)) => config.data_dir.clone(),
            (None, None) => anyhow::bail!(
                "no data directory: pass --config FILE (see config/peopledav.example.toml) or --data DIR"
            ),
        };
        Ok((open_store(&dir)?, config))
    }
}

/// Opens the store at `dir`, explaining the usual reason it fails.
pub fn open_store(dir: &std::path::Path) -> anyhow::Result<store::Store> {
    use anyhow::Context;
    store::Store::open(dir).with_context(|| {
        format!(
            "cannot open the store in {} (is another peopledav using it? stop it first, or choose another --data)",
            dir.display()
        )
    })
}
