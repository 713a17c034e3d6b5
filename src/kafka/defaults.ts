// Timeouts and retries of the Kafka clients the services share (readiness probe, lag monitor, retry and
// dead-letter producer, topic creation), in one place. Each service's own clients keep theirs in its
// defaults (consumer/defaults.ts, gateway/defaults.ts).
export const KAFKA_DEFAULTS = {
  /** No retries for the readiness probe: it reports the broker as it is now; the caller asks again. */
  probeRetries: 0,
  /** A probe's request and connection each get 1.5 s: under the 2 s each readiness check has, so the answer names the broker's failure. */
  probeTimeoutMs: 1500,
  /** A stopped consumer's lag shows within a few seconds (lag.ts). */
  lagRefreshMs: 5000,
  /** One retry of a lag request: a refresh that fails keeps the last figures, and the next one comes soon. */
  lagRetries: 1,
  /** A lag request the broker does not answer is given up before the next refresh is due. */
  lagRequestTimeoutMs: 3000,
  /** How long the broker may take to write a side record to its replicas (acks=all). */
  sideTimeoutMs: 10_000,
  /** A broker that hangs must fail the side send (the batch is then read again), not stall it. */
  sideRequestTimeoutMs: 15_000,
  /** The side producer's own retries, before the batch fails and is read again. */
  sideRetries: 5,
  /** Pause between those retries. */
  sideRetryDelayMs: 500,
  /** Topic creation at start-up retries for about 5 s: a broker starting beside the service gets that long. */
  ensureTopicsRetries: 10,
  /** Pause between those retries. */
  ensureTopicsRetryDelayMs: 500
} as const
