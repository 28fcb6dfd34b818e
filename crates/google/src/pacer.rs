//! Client-side pacing: one token bucket per quota bucket (read, write), so a sync stays under quota.
//!
//! The buckets run on tokio's clock, so tests drive them with `tokio::time::pause()`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The quota bucket a call draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Reads: get, batchGet, list, search.
    Read,
    /// Mutations: create, update, delete, group writes, photo writes.
    Write,
}

/// One bucket's rate: `per_minute` calls on average, at most `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    /// `per_minute` calls a minute with a burst of `burst`.
    pub fn per_minute(per_minute: u32, burst: u32) -> Rate {
        Rate { per_minute, burst }
    }
}

/// The configured pace; `None` leaves a bucket unpaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    pub read: Option<Rate>,
    pub write: Option<Rate>,
}

impl Pacing {
    /// No pacing at all (the emulator without quotas, tests).
    pub fn unlimited() -> Pacing {
        Pacing {
            read: None,
            write: None,
        }
    }
}

impl Default for Pacing {
    /// Below the per-user limits third parties observe on Google (90 reads and 30 writes a minute).
    fn default() -> Pacing {
        Pacing {
            read: Some(Rate::per_minute(80, 10)),
            write: Some(Rate::per_minute(25, 5)),
        }
    }
}

/// A token bucket on tokio's clock. Callers reserve their slot in arrival order and sleep until
/// it comes, so the pace holds however many tasks share the bucket.
#[derive(Debug)]
pub struct TokenBucket {
    state: Mutex<BucketState>,
    /// Tokens added per second.
    rate: f64,
    burst: f64,
}

#[derive(Debug)]
struct BucketState {
    /// May go negative: that many tokens are promised to callers already waiting.
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket for `rate`. A zero rate or burst is treated as one call a minute.
    pub fn new(rate: Rate) -> TokenBucket {
        let per_minute = rate.per_minute.max(1);
        let burst = f64::from(rate.burst.max(1));
        TokenBucket {
            state: Mutex::new(BucketState {
                tokens: burst,
                last: Instant::now(),
            }),
            rate: f64::from(per_minute) / 60.0,
            burst,
        }
    }

    /// Takes `cost` tokens, waiting as long as the rate requires.
    pub async fn acquire(&self, cost: u32) {
        let wait = self.reserve(f64::from(cost.max(1)));
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Reserves tokens now and returns how long the caller must wait for them.
    fn reserve(&self, cost: f64) -> Duration {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.tokens = (s.tokens + elapsed * self.rate).min(self.burst);
        s.last = now;
        s.tokens -= cost;
        if s.tokens >= 0.0 {
            Duration::ZERO
        } else {
            // Round up to whole microseconds so the slot is never taken early.
            let micros = (-s.tokens / self.rate * 1e6).ceil();
            Duration::from_micros(micros as u64)
        }
    }
}

/// The buckets of one client.
#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    read: Option<Arc<TokenBucket>>,
    write: Option<Arc<TokenBucket>>,
}

impl Pacer {
    pub(crate) fn new(pacing: Pacing) -> Pacer {
        Pacer {
            read: pacing.read.map(|r| Arc::new(TokenBucket::new(r))),
            write: pacing.write.map(|r| Arc::new(TokenBucket::new(r))),
        }
    }

    pub(crate) async fn acquire(&self, bucket: Bucket, cost: u32) {
        let b = match bucket {
            Bucket::Read => &self.read,
            Bucket::Write => &self.write,
        };
        if let Some(b) = b {
            b.acquire(cost).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `n` acquisitions from `tasks` concurrent tasks and returns their completion times
    /// (seconds since start, on the paused clock).
    async fn completion_times(rate: Rate, n: usize, tasks: usize) -> Vec<f64> {
        let bucket = Arc::new(TokenBucket::new(rate));
        let start = Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for t in 0..tasks {
            let bucket = bucket.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                for _ in (t..n).step_by(tasks) {
                    bucket.acquire(1).await;
                    let _ = tx.send(start.elapsed().as_secs_f64());
                }
            });
        }
        drop(tx);
        let mut times = Vec::new();
        while let Some(t) = rx.recv().await {
            times.push(t);
        }
        times.sort_by(f64::total_cmp);
        times
    }

    /// The most calls that completed within any window of `window` seconds.
    fn max_in_window(times: &[f64], window: f64) -> usize {
        let mut best = 0;
        let mut lo = 0;
        for hi in 0..times.len() {
            while times[hi] - times[lo] >= window {
                lo += 1;
            }
            best = best.max(hi - lo + 1);
        }
        best
    }

    #[tokio::test(start_paused = true)]
    async fn the_pace_never_exceeds_rate_plus_burst_in_any_minute() {
        let rate = Rate::per_minute(30, 5);
        let times = completion_times(rate, 200, 8).await;
        assert_eq!(times.len(), 200);
        // The burst goes at once, then one call every two seconds.
        assert_eq!(times.iter().filter(|&&t| t == 0.0).count(), 5);
        let most = max_in_window(&times, 60.0);
        assert!(most <= 30 + 5, "{most} calls in one minute");
        // And the bucket is not slower than it needs to be: 195 calls after the burst at 0.5/s.
        let last = times[199];
        assert!((389.9..=390.1).contains(&last), "last call at {last}s");
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_bucket_refills_up_to_its_burst_only() {
        let bucket = TokenBucket::new(Rate::per_minute(60, 3));
        for _ in 0..3 {
            bucket.acquire(1).await;
        }
        tokio::time::sleep(Duration::from_secs(600)).await;
        let start = Instant::now();
        for _ in 0..4 {
            bucket.acquire(1).await;
        }
        // Three from the refilled burst, the fourth a second later.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn costly_calls_take_several_tokens() {
        let bucket = TokenBucket::new(Rate::per_minute(60, 10));
        let start = Instant::now();
        bucket.acquire(10).await;
        bucket.acquire(10).await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unpaced_bucket_never_waits() {
        let pacer = Pacer::new(Pacing::unlimited());
        let start = Instant::now();
        for _ in 0..10_000 {
            pacer.acquire(Bucket::Write, 1).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
