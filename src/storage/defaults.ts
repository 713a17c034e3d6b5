// The storage layer's tuning, in one place: SQLite's connection settings. Checkpoints stay SQLite's own
// (every 1,000 pages of the write-ahead log, by the committing connection): docs/benchmarks.md has what
// moving them elsewhere did.

export const SQLITE_DEFAULTS = {
  /** SQLite's page cache per connection, in KiB (`cache_size`). */
  cacheKiB: 65_536,
  busyTimeoutMs: 5_000
} as const
