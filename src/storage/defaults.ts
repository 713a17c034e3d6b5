// The storage layer's tuning, in one place: SQLite's connection settings and its checkpoint worker.

export const SQLITE_DEFAULTS = {
  /** SQLite's page cache per connection, in KiB (`cache_size`). */
  cacheKiB: 65_536,
  busyTimeoutMs: 5_000,
  /** How often the worker copies the log back into the database file. */
  checkpointIntervalMs: 1000,
  /** SQLite's own threshold, restored on the API's connection if the worker stops unasked. */
  fallbackAutocheckpointPages: 1_000,
  /** The log file is cut back to this size once it has been copied back (`journal_size_limit`). */
  journalSizeLimitBytes: 64 * 1024 * 1024
} as const
