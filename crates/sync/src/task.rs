//! The per-account background task: polls Google at an interval, pushes promptly when woken.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::api::PeopleApi;
use crate::engine::{SyncEngine, SyncOptions};

/// How long a wake waits for further writes before pushing (a client often writes in bursts).
pub const DEBOUNCE: Duration = Duration::from_millis(200);
/// The longest a stream of writes can hold back the push: a client writing without pause (an
/// import over CardDAV) still has its cards pushed every few seconds.
pub const DEBOUNCE_MAX: Duration = Duration::from_secs(3);
/// The poll interval when the configuration gives none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);
const BACKOFF_START: Duration = Duration::from_secs(2);
const BACKOFF_MAX: Duration = Duration::from_secs(300);

/// The handle of a running sync task. Dropping it leaves the task running until the runtime ends;
/// call [`SyncHandle::shutdown`] to stop it after the current round.
pub struct SyncHandle {
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SyncHandle {
    /// Asks for a prompt round (after a client write). Never blocks; wakes coalesce.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops the task once its current round (if any) is done.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            warn!("sync task ended abnormally: {e}");
        }
    }
}

/// Starts the background task of one engine: a round every `interval`, a debounced round soon
/// after each [`SyncHandle::wake`], and exponential backoff (2 s doubling to 5 min) while Google
/// fails temporarily, during which wakes wait for the backoff to end. A write whose answer was
/// lost is retried after 2 s, without growing the wait: Google is up.
pub fn spawn<A: PeopleApi>(engine: Arc<SyncEngine<A>>, interval: Duration) -> SyncHandle {
    let wake = Arc::new(Notify::new());
    let (stop, mut stopped) = watch::channel(false);
    let woken = wake.clone();
    let task = tokio::spawn(async move {
        let mut backoff: Option<Duration> = None;
        let user = engine.config().user.clone();
        // The first round runs at once.
        let mut first = true;
        loop {
            if !first {
                let wait = backoff.unwrap_or(interval);
                let mut by_wake = false;
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tokio::time::sleep(wait) => {}
                    _ = woken.notified(), if backoff.is_none() => by_wake = true,
                }
                if by_wake {
                    // Debounce: wait until writes pause, or for DEBOUNCE_MAX at most.
                    let deadline = tokio::time::Instant::now() + DEBOUNCE_MAX;
                    loop {
                        tokio::select! {
                            _ = stopped.changed() => return,
                            _ = tokio::time::sleep(DEBOUNCE) => break,
                            _ = tokio::time::sleep_until(deadline) => break,
                            _ = woken.notified() => {}
                        }
                    }
                }
            }
            first = false;
            if *stopped.borrow() {
                return;
            }
            match engine.sync_once(SyncOptions::default()).await {
                // Lost answers put back in the outbox: find out soon whether they landed.
                Ok(report) if !report.requeued.is_empty() => backoff = Some(BACKOFF_START),
                Ok(_) => backoff = None,
                Err(e) if e.is_lost_answer() => {
                    warn!(user, "sync incomplete, retrying in {BACKOFF_START:?}: {e}");
                    backoff = Some(BACKOFF_START);
                }
                Err(e) if e.is_temporary() => {
                    let next = backoff.map_or(BACKOFF_START, |b| (b * 2).min(BACKOFF_MAX));
                    warn!(user, "sync failed, retrying in {next:?}: {e}");
                    backoff = Some(next);
                }
                Err(e) => {
                    warn!(user, "sync failed: {e}");
                    backoff = None;
                }
            }
        }
    });
    info!("sync task started");
    SyncHandle { wake, stop, task }
}
