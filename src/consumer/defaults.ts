// The consumer's timeouts, backoffs and pool sizes in one place, as platformatic/kafka keeps its defaults
// beside its options. What operators tune is configuration (config.ts: CONSUMER_BATCH_SIZE, RETRY_*,
// API_URL); these are the fixed values around it, each with its reason. The Kafka clients shared with other
// services (readiness probe, lag monitor, side producer) keep theirs in src/kafka/defaults.ts.
export const CONSUMER_DEFAULTS = {
  // The Kafka consumer of each worker (worker.ts).
  /** A member silent this long leaves its group and its partitions move: a killed consumer is noticed in seconds. */
  sessionTimeoutMs: 10_000,
  /** A tenth of the session timeout: several heartbeats may be lost before the session ends. */
  heartbeatIntervalMs: 1000,
  /** How long a rebalance waits for members to rejoin: room for a batch in delivery to finish. */
  rebalanceTimeoutMs: 30_000,
  /** The client's own retries of a failed request, before the worker gives up on it and reconnects. */
  kafkaRetries: 5,
  /** Pause between those retries. */
  kafkaRetryDelayMs: 500,
  /** Longest a fetch waits at the broker for records: a new record waits at most this long to be read. */
  fetchMaxWaitMs: 250,
  /** A failed consumer is replaced after this × 2^(failures in a row), at most reconnectMaxDelayMs. */
  reconnectDelayMs: 500,
  /** Longest pause before a failed consumer is replaced: a broker back after an outage is used within seconds. */
  reconnectMaxDelayMs: 10_000,
  /**
   * Longest a stream with partitions assigned, not paused, may go without a fetch (fetch-watch.ts). An idle
   * stream fetches every fetchMaxWaitMs, and a fetch the broker does not answer fails after the client's
   * request timeout (30 s), so this is well past anything healthy.
   */
  stalledFetchMs: 45_000,
  /** How often the fetch watchdog looks: a ninth of stalledFetchMs, so a stall is caught at most 5 s late. */
  stalledFetchCheckMs: 5000,

  // Delivery to the API (delivery.ts, worker.ts).
  /** Most record bytes in one bulk request: half the API's bulk body limit (16 MiB), leaving room for JSON framing. */
  maxBulkBytes: 8 * 1024 * 1024,
  /** Keep-alive connections per API instance: more than the deliveries one consumer has in flight (two workers per entity). */
  apiConnections: 8,
  /** An idle connection is kept this long: between batches of a quiet topic, no new handshake. */
  apiKeepAliveMs: 60_000,
  /** A bulk of CONSUMER_BATCH_SIZE coupons on a busy database may take long: slow is not down. */
  apiHeadersTimeoutMs: 120_000,
  /** As apiHeadersTimeoutMs, for the answer's body. */
  apiBodyTimeoutMs: 120_000,
  /** With no API instance answering, the batch is tried again after this × 2^attempt, at most apiMaxRetryDelayMs. */
  apiRetryDelayMs: 200,
  /** Longest pause between two tries of a batch no API answered: an API back after a restart is used within seconds. */
  apiMaxRetryDelayMs: 10_000,
  /** How long an API instance that did not answer a delivery is skipped: long enough not to pay its timeout on every batch, short enough to share the load again soon after it is back. */
  apiCoolDownMs: 5000,
  /** The readiness check's wait for an API's /ready: under the 2 s each check has (http/readiness.ts), so the answer names the API's failure. */
  apiReadyTimeoutMs: 1500,

  // Records whose references are missing (routing.ts).
  /** Longest wait between two tries of such a record: RETRY_DELAY_MS doubles up to this. */
  maxRetryDelayMs: 30_000,

  // The process (server.ts).
  /** After SIGTERM, how long the batches in hand may take to finish and commit before the process is ended. */
  shutdownGraceMs: 30_000
} as const
