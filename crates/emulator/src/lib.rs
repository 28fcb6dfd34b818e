//! A local People API server with Google's documented semantics and fault injection.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` and serves the People API v1 under `/v1/...`: people
//! (get, getBatchGet, connections.list with page and sync tokens, create/update/delete, batches,
//! photos, search), contactGroups, otherContacts and the Workspace directory. Field masks, etags,
//! limits, error bodies and quotas follow Google's documentation and captured responses. To an
//! account marked [`AccountConfig::domain_admin`] it also serves its Workspace domain's shared
//! contacts as the GData feed `/m8/feeds/contacts/DOMAIN/full` (paging, `updated-min` with
//! tombstones, etags, batches). Test
//! hooks: `GET /emulator/stats`, `POST /emulator/advance?seconds=N`, and [`Emulator`]'s methods.
//!
//! With [`EmulatorConfig::state_file`] set, [`Emulator::open`] restores the address books saved
//! there, and the server writes them back (atomically, debounced) after every change.

mod api;
mod book;
mod config;
mod error;
mod oauth;
mod persist;
mod person;
mod seed;
mod server;
mod state;
mod tokens;

pub use config::{AccountConfig, EmulatorConfig, FaultSpec, Quotas, Seed, load_seed_file};
pub use error::{EmulatorError, EmulatorErrorKind};
pub use server::{Emulator, RunningEmulator, SAVE_DEBOUNCE};
pub use state::Stats;
