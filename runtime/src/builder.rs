//! `call_methods!`: the per-call settings of every generated request builder, written once
//! here rather than in each builder (issue 27: five methods, with their docs, in each of a
//! large API's hundreds of builders). Expanded inside a builder's `impl`, whose struct has an
//! `options: CallOptions` field; the methods stay inherent, so callers import nothing.

/// The methods `with_timeout`, `with_retry`, `with_idle_timeout`, `with_header` and
/// `with_query` of a request builder with an `options: oagen_runtime::CallOptions` field.
#[doc(hidden)]
#[macro_export]
macro_rules! call_methods {
    () => {
        /// Overrides the client's timeout for each attempt of this call.
        pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout(::std::option::Option::Some(timeout));
            self
        }

        /// Overrides the client's retry policy for this call (for example to retry a
        /// `POST` that is safe to repeat).
        pub fn with_retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.options.retry(policy);
            self
        }

        /// For a stream: the longest wait for more of it once it has begun (by default
        /// the call's timeout).
        pub fn with_idle_timeout(mut self, idle: ::std::time::Duration) -> Self {
            self.options.idle_timeout(::std::option::Option::Some(idle));
            self
        }

        /// Sends this header with the call (on every attempt and page), in place of one
        /// of the same name; never in place of a credential. A header that frames the
        /// message (`Host`, `Content-Length`...) or an invalid name or value fails the call
        /// with `Error::InvalidRequest`, sending nothing.
        pub fn with_header(mut self, name: &str, value: &str) -> Self {
            self.options.header(name, value);
            self
        }

        /// Sends this query parameter with the call (on every attempt and page), in place
        /// of one of the same name.
        pub fn with_query(mut self, name: &str, value: &str) -> Self {
            self.options.query(name, value);
            self
        }
    };
}
