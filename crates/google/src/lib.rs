//! Google People API client: OAuth, paging, sync tokens, batching, pacing, retries.
