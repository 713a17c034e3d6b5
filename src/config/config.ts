// Every setting of every service: one TypeBox schema over environment variables, validated once at start-up.
import { Type, type Static } from 'typebox'
import { Ajv } from 'ajv'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ALGORITHM_NAMES, DEFAULT_ALGORITHM } from '../domain/algorithms.ts'
import type { EntityName } from '../domain/entities.ts'
import { CodedError, ErrorCodes } from '../domain/errors.ts'

/** The recommender's defaults (its env variables below read them). */
export const RECOMMENDER_DEFAULTS = {
  /** How fast a bettor's taste fades: a coupon counts half as much after this many days. */
  halfLifeDays: 30,
  /** How fast "what bettors back right now" fades. */
  trendHalfLifeHours: 24,
  /** How long one API instance reuses what all users share: trending list, lead times, upcoming events per feature. */
  cacheMs: 30_000
} as const

const MICROS_PER_HOUR = 3_600_000_000

/** The schema documents each variable; README's configuration table is generated from it (npm run docs:config). */
export const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface the HTTP services listen on (0.0.0.0 in containers).' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8098, description: 'Port of the main API.' }),
  PRODUCER_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8099, description: 'Port of the gateway (producer).' }),
  CONSUMER_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8097, description: 'Port of the consumer\'s own HTTP endpoints (health, readiness, metrics, status); 0: any free port (several consumers on one machine).' }),
  GATEWAY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8099', description: 'Where the API\'s dashboard finds the gateway.' }),
  CONSUMER_URLS: Type.String({ pattern: '^https?://[^,]+(,https?://[^,]+)*$', default: 'http://127.0.0.1:8097', description: 'Where the API\'s dashboard finds the consumers (comma-separated, one per instance).' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info', description: 'pino log level.' }),
  DATABASE_URL: Type.String({ minLength: 1, default: 'sqlite:data/betting.sqlite', description: 'sqlite:<file> (embedded default, `:memory:` allowed) or postgres://user@host:port/db.' }),
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'public', description: 'PostgreSQL schema holding the tables; created when missing.' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'PostgreSQL connections per API instance.' }),
  SQLITE_SYNCHRONOUS: Type.Union([Type.Literal('NORMAL'), Type.Literal('FULL')], { default: 'NORMAL', description: 'SQLite durability: NORMAL survives process crashes, FULL also power loss (slower).' }),
  INSTANCE_ID: Type.Integer({ minimum: -1, maximum: 127, default: -1, description: 'Id generator instance number (0-127); give each API and gateway instance its own. -1: random.' }),
  BOOTSTRAP_SERVER: Type.String({ default: '', description: 'Kafka bootstrap servers (comma-separated). Empty: `npm start` runs a local broker and the services use 127.0.0.1:KAFKA_PORT.' }),
  TOPIC_PREFIX: Type.String({ pattern: '^[A-Za-z0-9._-]{0,100}$', default: '', description: 'Prefix of every topic name (users, events, coupons and their .retry and .dlq topics).' }),
  TOPICS: Type.String({ pattern: '^(users|events|coupons)(,(users|events|coupons))*$', default: 'users,events,coupons', description: 'Entities the consumer reads, comma-separated; topic name is TOPIC_PREFIX + entity.' }),
  PRODUCE_FORMAT: Type.Union([Type.Literal('plain'), Type.Literal('envelope')], { default: 'plain', description: 'How the gateway writes records: plain JSON objects, or the reference producers\' {"op": "<entity>", "data": "<json>"} envelope (for the reference\'s consumers during a migration).' }),
  TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 1000, default: 3, description: 'Partitions of each topic created at start-up.' }),
  TOPIC_REPLICATION: Type.Integer({ minimum: 0, maximum: 7, default: 0, description: 'Replicas of each topic created at start-up; 0: 3 when the cluster has 3 or more brokers, else 1. With 3 or more replicas, min.insync.replicas is 2.' }),
  CONSUMER_GROUP_PREFIX: Type.String({ pattern: '^[A-Za-z0-9._-]{1,100}$', default: 'betting', description: 'Consumer group of a topic is <prefix>-<topic>.' }),
  CONSUMER_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'Most records a consumer delivers to the API in one bulk request.' }),
  RETRY_WINDOW_MS: Type.Integer({ minimum: 0, default: 300_000, description: 'How long a record whose user or events are missing is retried before it is dead-lettered.' }),
  RETRY_DELAY_MS: Type.Integer({ minimum: 10, default: 1000, description: 'First delay before a missing-reference retry; doubles per attempt up to 30 s.' }),
  // Each entry is checked on its own (urlList), so a refusal names the bad one, not the whole list.
  API_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:8098', description: 'Where consumers deliver records: one API URL, or several comma-separated (one per API instance); deliveries are spread over the instances that answer, skipping one that does not.' }),
  API_KEYS: Type.String({ default: '', description: 'Comma-separated keys; when set, every write needs the X-API-Key header. Empty: open (quick start).' }),
  API_KEY: Type.String({ default: '', description: 'Key the consumer sends to the API (defaults to the first of API_KEYS).' }),
  PROTECT_READS: Type.Boolean({ default: false, description: 'When API_KEYS is set, also require a key on GET endpoints.' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, default: 0, description: 'Gateway requests per client IP per minute; 0 turns the limit off.' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000, description: 'Longest time an HTTP request may take before the server answers 408/503.' }),
  RECOMMENDER_ALGORITHM: Type.Enum(ALGORITHM_NAMES, { default: DEFAULT_ALGORITHM, description: `Algorithm of a recommendation request without ?algorithm= (${ALGORITHM_NAMES.join(', ')}).` }),
  RECOMMENDER_HALF_LIFE_DAYS: Type.Number({ minimum: 1, maximum: 3650, default: RECOMMENDER_DEFAULTS.halfLifeDays, description: 'Half-life of a bettor\'s taste (affinity): a coupon counts half after this many days. Changing it needs POST /recommendation/generate.' }),
  RECOMMENDER_TRENDING_HALF_LIFE_HOURS: Type.Number({ minimum: 1, maximum: 8760, default: RECOMMENDER_DEFAULTS.trendHalfLifeHours, description: 'Half-life of an event\'s bet volume (trending). Changing it needs POST /recommendation/generate.' }),
  RECOMMENDER_CACHE_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: RECOMMENDER_DEFAULTS.cacheMs, description: 'How long an API instance reuses what all users share (trending list, lead times, league pairs, each sport\'s, league\'s and participant\'s upcoming events); 0: never.' }),
  KAFKA_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 9092, description: 'Port of the local broker (npm run kafka).' }),
  KAFKA_CONTROLLER_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 9093, description: 'KRaft controller port of the local broker.' }),
  KAFKA_DATA_DIR: Type.String({ default: 'data/kafka', description: 'Local broker data and log directory.' }),
  KAFKA_CACHE_DIR: Type.String({ default: join(homedir(), '.cache', 'betting-kafka'), description: 'Where the Kafka jars fetched with Maven are kept between runs.' }),
  KAFKA_HEAP: Type.String({ pattern: '^[0-9]+[mg]$', default: '512m', description: 'Java heap of the local broker.' })
})

export type Env = Static<typeof EnvSchema>

/** An environment variable is invalid: the command stops with this sentence (exit code 2). */
export class ConfigError extends CodedError {
  override name = 'ConfigError'
  constructor (message: string) {
    super(ErrorCodes.configInvalid, message)
  }
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false })
const validateEnv = ajv.compile(EnvSchema)

/** A frozen, typed view of the environment; an invalid variable throws a sentence naming it. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Env> = {}): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  Object.assign(raw, overrides)
  const problems = validateEnv(raw)
    ? []
    : (validateEnv.errors ?? []).map((e) => {
        const name = e.instancePath.replace(/^\//, '')
        return `${name} ${e.message ?? 'is invalid'} (got ${JSON.stringify(raw[name])})`
      })
  if (typeof raw.API_URL === 'string') problems.push(...urlList('API_URL', raw.API_URL).problems)
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  return toConfig(raw as Env)
}

/**
 * A comma-separated list of http(s) origins: each entry checked on its own, so a refusal names the variable
 * and the bad entry. The URLs come back as origins (no trailing slash: paths are appended to them), once each.
 */
export function urlList (name: string, value: string): { urls: string[], problems: string[] } {
  const entries = value.split(',').map((entry) => entry.trim())
  const urls: string[] = []
  const problems: string[] = []
  entries.forEach((entry, index) => {
    const problem = originProblem(entry)
    const which = entries.length > 1 ? ` (entry ${index + 1} of ${entries.length}, in ${JSON.stringify(value)})` : ''
    if (problem === undefined) urls.push(new URL(entry).origin)
    else problems.push(`${name} ${JSON.stringify(entry)}${which} ${problem}`)
  })
  return { urls: [...new Set(urls)], problems }
}

function originProblem (entry: string): string | undefined {
  if (entry === '') return 'is empty'
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://'
  // The HTTP pool takes an origin only; a path would fail later, at start-up of the consumer, less clearly.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return 'must be an origin only (like http://api:8098): no path, query or credentials'
  }
  return undefined
}

function toConfig (env: Env) {
  const apiKeys = env.API_KEYS.split(',').map((k) => k.trim()).filter((k) => k.length > 0)
  const apiUrls = urlList('API_URL', env.API_URL).urls
  return Object.freeze({
    host: env.HOST,
    apiPort: env.PORT,
    gatewayPort: env.PRODUCER_PORT,
    consumerPort: env.CONSUMER_PORT,
    dashboard: {
      gatewayUrl: env.GATEWAY_URL,
      consumerUrls: env.CONSUMER_URLS.split(',').map((u) => u.trim())
    },
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      poolSize: env.DATABASE_POOL_SIZE,
      sqliteSynchronous: env.SQLITE_SYNCHRONOUS
    },
    instanceId: env.INSTANCE_ID,
    kafka: {
      bootstrapServers: env.BOOTSTRAP_SERVER.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
      topicPrefix: env.TOPIC_PREFIX,
      partitions: env.TOPIC_PARTITIONS,
      replication: env.TOPIC_REPLICATION,
      produceFormat: env.PRODUCE_FORMAT,
      groupPrefix: env.CONSUMER_GROUP_PREFIX,
      localPort: env.KAFKA_PORT,
      localControllerPort: env.KAFKA_CONTROLLER_PORT,
      dataDir: env.KAFKA_DATA_DIR,
      cacheDir: env.KAFKA_CACHE_DIR,
      heap: env.KAFKA_HEAP
    },
    consumer: {
      entities: [...new Set(env.TOPICS.split(','))] as EntityName[],
      batchSize: env.CONSUMER_BATCH_SIZE,
      retryWindowMs: env.RETRY_WINDOW_MS,
      retryDelayMs: env.RETRY_DELAY_MS,
      /** Every API instance of API_URL, in the given order. */
      apiUrls,
      /** The first of apiUrls: where a tool that talks to one API goes by default (the data commands). */
      apiUrl: apiUrls[0] as string,
      apiKey: env.API_KEY !== '' ? env.API_KEY : (apiKeys[0] ?? '')
    },
    recommender: {
      algorithm: env.RECOMMENDER_ALGORITHM,
      halfLifeMicros: env.RECOMMENDER_HALF_LIFE_DAYS * 24 * MICROS_PER_HOUR,
      trendHalfLifeMicros: env.RECOMMENDER_TRENDING_HALF_LIFE_HOURS * MICROS_PER_HOUR,
      cacheMs: env.RECOMMENDER_CACHE_MS
    },
    security: {
      apiKeys,
      protectReads: env.PROTECT_READS,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS
    }
  })
}

export type Config = Readonly<ReturnType<typeof toConfig>>

/** Bootstrap servers the services use: the configured ones, else the local broker's address. */
export function kafkaBrokers (config: Config): string[] {
  return config.kafka.bootstrapServers.length > 0
    ? config.kafka.bootstrapServers
    : [`127.0.0.1:${config.kafka.localPort}`]
}
