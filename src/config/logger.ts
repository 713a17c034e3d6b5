// Structured logs (pino, JSON lines) for every service, labelled with the service name; keys never logged.
import { pino, type Logger } from 'pino'
import type { Config } from './config.ts'

export type { Logger }

export function createLogger (config: Config, service: string): Logger {
  return pino({
    level: config.logLevel,
    base: { service, pid: process.pid },
    redact: { paths: ['req.headers["x-api-key"]', 'headers["x-api-key"]', 'apiKey', 'config.security.apiKeys'], censor: '[redacted]' }
  })
}
