// The gateway's sizes, timeouts and backoffs in one place, as platformatic/kafka keeps its defaults beside
// its options. What operators tune is configuration (config.ts: REQUEST_TIMEOUT_MS, RATE_LIMIT_PER_MINUTE);
// these are the fixed values around it, each with its reason.
export const GATEWAY_DEFAULTS = {
  /** Most records one POST /<entity>/batch takes (the documented contract): bounds the time one request spends validating. */
  maxBatchRecords: 1000,
  /** The window RATE_LIMIT_PER_MINUTE counts requests in: a minute, as its name says. */
  rateLimitWindowMs: 60_000,
  /** Bytes of one produce request: under the broker's default batch limit (1 MiB) unless a single record is larger. */
  maxFlushBytes: 900 * 1024,
  /** Pause between two sends of a request Kafka did not answer: a few resends fit in REQUEST_TIMEOUT_MS. */
  resendDelayMs: 500,
  /** Share of REQUEST_TIMEOUT_MS one Kafka request may take: the sixth, so an unanswered one can be sent again a few times before the client's own timeout. */
  requestTimeoutShare: 6,
  /** Floor of that Kafka request timeout: a loaded broker still gets a second to answer. */
  minKafkaRequestTimeoutMs: 1000,
  /** Ceiling of that Kafka request timeout: a broker that hangs is noticed within seconds, whatever REQUEST_TIMEOUT_MS is. */
  maxKafkaRequestTimeoutMs: 10_000,
  /** How long the broker may take to write a record to its replicas (acks=all). */
  produceTimeoutMs: 5000,
  /** The client's own retries: lower values mean "forever" for an idempotent producer of this client; resending is done in producer.ts. */
  producerRetries: 2,
  /** Pause between those retries. */
  producerRetryDelayMs: 250,
  /** While closing, how often to look whether the queued records were sent: short, so the process exits soon after. */
  closePollMs: 20,
  /** After SIGTERM the requests in flight may wait REQUEST_TIMEOUT_MS for Kafka; this much more closes the producer and the server. */
  shutdownGraceExtraMs: 10_000
} as const
