//! A local People API server with Google's documented semantics and fault injection.
