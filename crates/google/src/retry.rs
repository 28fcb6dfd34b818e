//! Retry policy: exponential backoff with full jitter, at least as long as Google's Retry-After.

use std::time::Duration;

use rand::Rng;

/// How often and how patiently a failed call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The backoff cap of the first retry; it doubles on each further retry.
    pub base_delay: Duration,
    /// The largest backoff cap.
    pub max_delay: Duration,
    /// The longest Retry-After honoured; a longer one ends the retries with the error.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(32),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A single attempt.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff cap before retry number `retry` (0 for the first retry).
    pub fn cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait before retry number `retry`: uniform in `[0, cap]` (full jitter), but never
    /// shorter than `retry_after`. `None` when `retry_after` exceeds `max_retry_after`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry_after.is_some_and(|a| a > self.max_retry_after) {
            return None;
        }
        let cap = self.cap(retry);
        let jitter = if cap.is_zero() {
            Duration::ZERO
        } else {
            let micros = u64::try_from(cap.as_micros()).unwrap_or(u64::MAX);
            Duration::from_micros(rand::thread_rng().gen_range(0..=micros))
        };
        Some(jitter.max(retry_after.unwrap_or(Duration::ZERO)))
    }
}

/// Parses a Retry-After header given in delta-seconds (the form Google uses).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_grow_exponentially_up_to_the_maximum() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
        };
        let caps: Vec<_> = (0..6).map(|r| p.cap(r).as_millis()).collect();
        assert_eq!(caps, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.cap(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn delays_are_jittered_within_the_cap() {
        let p = RetryPolicy::default();
        let delays: Vec<_> = (0..200).map(|_| p.delay(3, None).unwrap()).collect();
        assert!(delays.iter().all(|d| *d <= p.cap(3)));
        // Full jitter spreads the waits: they are not all equal.
        assert!(delays.iter().any(|d| *d != delays[0]));
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_a_wait_gives_up() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let d = p.delay(0, Some(Duration::from_secs(7))).unwrap();
            assert_eq!(d, Duration::from_secs(7), "cap 500ms < 7s, so exactly 7s");
        }
        assert_eq!(p.delay(0, Some(Duration::from_secs(3600))), None);
    }

    #[test]
    fn retry_after_headers_parse() {
        assert_eq!(parse_retry_after("30"), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_retry_after(" 1.5 "),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
