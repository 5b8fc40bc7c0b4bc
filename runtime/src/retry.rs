//! When and how long to wait before sending a request again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How a client retries requests that failed for a reason that may pass: a connection
/// error, a timeout, or a `429 Too Many Requests`, `502 Bad Gateway`,
/// `503 Service Unavailable` or `504 Gateway Timeout` answer.
///
/// Waits grow exponentially from [`initial_backoff`](Self::initial_backoff) up to
/// [`max_backoff`](Self::max_backoff), with random jitter so that many clients do not retry
/// in step. When the server says how long to wait (`retry-after-ms`, in milliseconds, or
/// else `Retry-After`, in seconds or as an HTTP date), the client waits that long instead, if
/// it is no longer than [`max_retry_after`](Self::max_retry_after); a longer wait is not
/// made, and the answer is returned at once so the caller can decide. A server that sends
/// `x-should-retry: true` or `false` decides whether an answer is retried, whatever its
/// status.
///
/// Only idempotent methods (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `TRACE`) are retried,
/// unless the request carries an idempotency key (an `Idempotency-Key` header, or the header
/// a generated client fills in where the API declares one, the same on every attempt) or
/// [`retry_non_idempotent`](Self::retry_non_idempotent) is set: sending a `POST` twice may
/// create two things.
///
/// ```
/// use std::time::Duration;
/// use oagen_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(5));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Three attempts in all, waits from 200 ms up to 20 s, `Retry-After` honoured up to
    /// 60 s, idempotent methods only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt: nothing is retried.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// The number of attempts in all, the first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; each later wait doubles it, up to `max_backoff`.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts that the client chooses itself.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` the client waits for; a server asking for more gets its
    /// answer returned to the caller instead.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Retries `POST` and `PATCH` requests too. Set it only for operations that are safe to
    /// repeat; a request with an `Idempotency-Key` header is retried without it.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The number of attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a request with this method and headers may be sent more than once.
    pub(crate) fn may_repeat(&self, method: &Method, headers: &HeaderMap) -> bool {
        self.retry_non_idempotent
            || method.is_idempotent()
            || headers.contains_key("idempotency-key")
    }

    /// The wait before retry number `retry` (1 for the first retry), with jitter: a random
    /// point in the upper half of the exponential step.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let step = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = step / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if nanos == 0 {
            0
        } else {
            random() % (nanos + 1)
        };
        half + Duration::from_nanos(jitter)
    }

    /// How long to wait before retrying after this answer, or `None` when it must not be
    /// retried: a status that will not pass, or a `Retry-After` beyond the cap.
    pub(crate) fn after_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retry: u32,
    ) -> Option<Duration> {
        // The server's own word on whether to retry wins over the status.
        let should_retry = headers
            .get("x-should-retry")
            .and_then(|value| value.to_str().ok())
            .map(str::trim);
        match should_retry {
            Some(value) if value.eq_ignore_ascii_case("true") => {}
            Some(value) if value.eq_ignore_ascii_case("false") => return None,
            _ if !is_transient(status) => return None,
            _ => {}
        }
        let asked = retry_after_ms(headers).or_else(|| retry_after(headers, SystemTime::now()));
        match asked {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Statuses that say "try again later".
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date (a date in the
/// past means no wait). Anything else is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Delays too long to represent are simply very long.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait a `retry-after-ms` header asks for, in milliseconds (a decimal number, as some
/// APIs send it); more precise than `Retry-After`, so it is read first.
pub(crate) fn retry_after_ms(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after-ms")?.to_str().ok()?.trim();
    let millis: f64 = value.parse().ok()?;
    (millis.is_finite() && millis >= 0.0)
        .then(|| Duration::try_from_secs_f64(millis / 1000.0).unwrap_or(Duration::MAX))
}

/// A new idempotency key: a random version 4 UUID in its usual text form. The randomness
/// is `RandomState`'s (seeded from the operating system, different for every call), which
/// is all a key needs: it must not repeat, it guards no secret.
pub(crate) fn new_idempotency_key() -> String {
    let high = random();
    let low = random() ^ high.rotate_left(17);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[8..].copy_from_slice(&low.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A random number for jitter. `RandomState` is seeded randomly per process and per call,
/// which is all jitter needs (no cryptographic quality, no dependency).
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.subsec_nanos().into())
            .unwrap_or(0),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        // 2015-10-21 07:28:00 GMT is the epoch second 1445412480; 30 s later:
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after(&headers("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        for nonsense in ["", "soon", "-5", "1.5"] {
            assert_eq!(retry_after(&headers(nonsense), now), None, "{nonsense:?}");
        }
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_bounds() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let capped = policy.backoff(40);
            assert!(capped >= Duration::from_millis(500) && capped <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn only_transient_statuses_are_retried_and_long_waits_are_refused() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let none = HeaderMap::new();
        for status in [429, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(policy.after_status(status, &none, 1).is_some());
        }
        for status in [400, 401, 404, 409, 422, 500, 501] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(policy.after_status(status, &none, 1).is_none());
        }
        let status = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            policy.after_status(status, &headers("3"), 1),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.after_status(status, &headers("11"), 1), None);
    }

    #[test]
    fn the_server_decides_with_x_should_retry_and_retry_after_ms() {
        let policy = RetryPolicy::default();
        let mut asked = HeaderMap::new();
        asked.insert("x-should-retry", HeaderValue::from_static("true"));
        asked.insert("retry-after-ms", HeaderValue::from_static("1.5"));
        asked.insert(RETRY_AFTER, HeaderValue::from_static("30"));
        assert_eq!(
            policy.after_status(StatusCode::INTERNAL_SERVER_ERROR, &asked, 1),
            Some(Duration::from_micros(1500))
        );
        let mut refused = HeaderMap::new();
        refused.insert("x-should-retry", HeaderValue::from_static("false"));
        assert_eq!(
            policy.after_status(StatusCode::SERVICE_UNAVAILABLE, &refused, 1),
            None
        );
        for nonsense in ["-1", "NaN", "soon", "inf"] {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after-ms", HeaderValue::from_static(nonsense));
            assert_eq!(retry_after_ms(&headers), None, "{nonsense}");
        }
    }

    #[test]
    fn idempotency_keys_are_uuids_and_differ() {
        let a = new_idempotency_key();
        let b = new_idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn non_idempotent_methods_need_an_opt_in_or_a_key() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert!(policy.may_repeat(&Method::GET, &none));
        assert!(policy.may_repeat(&Method::PUT, &none));
        assert!(policy.may_repeat(&Method::DELETE, &none));
        assert!(!policy.may_repeat(&Method::POST, &none));
        assert!(!policy.may_repeat(&Method::PATCH, &none));
        let mut keyed = HeaderMap::new();
        keyed.insert("Idempotency-Key", HeaderValue::from_static("k1"));
        assert!(policy.may_repeat(&Method::POST, &keyed));
        assert!(
            policy
                .clone()
                .retry_non_idempotent(true)
                .may_repeat(&Method::POST, &none)
        );
    }
}
