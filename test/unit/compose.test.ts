// compose.yaml cannot be run here (no Docker engine), so its wiring is checked against the code it runs.
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import { registerServiceCommands } from '../../src/cli/commands/services.ts'
import { EnvSchema, loadConfig } from '../../src/config/config.ts'
import { kafkaVersion } from '../../src/dev/kafka-jars.ts'

interface Service {
  image?: string
  profiles?: string[]
  volumes?: string[]
  build?: unknown
  command?: string[]
  container_name?: string
  environment?: Record<string, string | number | boolean>
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] | string }
}

// Compose understands YAML merge keys (`<<: *app`); the yaml package does only when asked.
const compose = parse(readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8'), { merge: true }) as { services: Record<string, Service> }
const services = compose.services
const ourServices = ['api', 'gateway', 'consumer'] as const
const schemaKeys = Object.keys(EnvSchema.properties)

// compose.yaml uses the map syntax for environment and "published:target" strings for ports; another
// syntax makes these helpers yield garbage, and the assertions below fail rather than pass vacuously.

/** compose.cluster.env, the variables the cluster profile interpolates. */
const clusterEnv = Object.fromEntries(readFileSync(new URL('../../compose.cluster.env', import.meta.url), 'utf8').split('\n')
  .filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))

/** The environment of a service, values as the strings the process will see, `${NAME:-default}` taken from `vars`. */
function environment (service: Service, vars: Record<string, string> = {}): Record<string, string> {
  const interpolate = (value: string) => value.replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, name: string, fallback: string) => vars[name] ?? fallback)
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]))
}

/** [published, target] pairs of "published:target" (optionally "ip:published:target") entries. */
function publishedPorts (service: Service): Array<[number, number]> {
  return (service.ports ?? []).map((port) => {
    const parts = port.split(':')
    return [Number(parts.at(-2)), Number(parts.at(-1))]
  })
}

describe('compose.yaml', () => {
  test('defines the broker, the database and the three services, and two more nodes in the cluster profile', () => {
    expect(Object.keys(services).filter((name) => services[name]?.profiles === undefined).sort()).toEqual(['api', 'consumer', 'gateway', 'kafka', 'postgres'])
    expect(Object.keys(services).filter((name) => services[name]?.profiles?.includes('cluster') === true).sort()).toEqual(['kafka-2', 'kafka-3'])
  })

  test('the cluster profile: three official-image nodes, each a voter at its own address and volume, three replicas with two in sync', () => {
    const nodes = ['kafka', 'kafka-2', 'kafka-3'].map((name) => ({ name, service: services[name] as Service, env: environment(services[name] as Service, clusterEnv) }))
    expect(nodes.map((n) => n.env.KAFKA_NODE_ID)).toEqual(['1', '2', '3'])
    for (const { name, service, env } of nodes) {
      expect(service.image).toBe(`apache/kafka:${kafkaVersion()}`)
      expect(env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`)
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093')
      expect([env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, env.KAFKA_DEFAULT_REPLICATION_FACTOR, env.KAFKA_MIN_INSYNC_REPLICAS]).toEqual(['3', '3', '2'])
    }
    expect(new Set(nodes.map((n) => n.service.volumes?.[0]?.split(':')[0])).size).toBe(3)
    for (const name of ['gateway', 'consumer']) {
      const config = loadConfig(environment(services[name] as Service, clusterEnv))
      expect(config.kafka.bootstrapServers).toEqual(['kafka:9092', 'kafka-2:9092', 'kafka-3:9092'])
      expect(config.kafka.replication).toBe(3)
    }
    // Without the profile's variables the first node is a cluster of one.
    expect(environment(services.kafka as Service).KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093')
  })

  test('runs the official Apache Kafka image at the version the local broker uses', () => {
    expect(services.kafka.image).toBe(`apache/kafka:${kafkaVersion()}`)
  })

  test.each(ourServices)('%s runs an existing CLI sub-command of the project image', (name) => {
    const program = new Command()
    registerServiceCommands(program)
    const service = services[name]
    expect(service.build).toBeDefined()
    expect(service.command).toEqual([name])
    expect(program.commands.map((command) => command.name())).toContain(service.command?.[0])
  })

  test.each(ourServices)('%s sets only variables of the configuration schema, with valid values', (name) => {
    const env = environment(services[name])
    expect(Object.keys(env).length).toBeGreaterThan(0)
    expect(Object.keys(env).filter((key) => !schemaKeys.includes(key))).toEqual([])
    expect(() => loadConfig(env)).not.toThrow()
  })

  test('api and gateway publish their default ports, which are also the ports they listen on', () => {
    const api = loadConfig(environment(services.api))
    const gateway = loadConfig(environment(services.gateway))
    const defaults = loadConfig({})
    expect(publishedPorts(services.api)).toEqual([[defaults.apiPort, api.apiPort]])
    expect(publishedPorts(services.gateway)).toEqual([[defaults.gatewayPort, gateway.gatewayPort]])
    expect(api.host).toBe('0.0.0.0')
    expect(gateway.host).toBe('0.0.0.0')
  })

  test('every service has a health check on GET /ready at its own port', () => {
    const ports = {
      api: loadConfig(environment(services.api)).apiPort,
      gateway: loadConfig(environment(services.gateway)).gatewayPort,
      consumer: loadConfig(environment(services.consumer)).consumerPort
    }
    for (const [name, port] of Object.entries(ports)) {
      const urls = [services[name].healthcheck?.test ?? []].flat().join(' ').match(/https?:\/\/[^'"\s)]+/g)
      expect(urls).toEqual([`http://127.0.0.1:${port}/ready`])
    }
  })

  test('the consumer can be scaled: no container name, no host port', () => {
    expect(services.consumer).not.toHaveProperty('container_name')
    expect(services.consumer).not.toHaveProperty('ports')
  })

  test('the services reach the broker, the database and the API at addresses those services serve', () => {
    const advertised = environment(services.kafka).KAFKA_ADVERTISED_LISTENERS.split(',').map((listener) => listener.replace(/^[A-Z_]+:\/\//, ''))
    for (const name of ['gateway', 'consumer']) {
      expect(advertised).toContain(environment(services[name]).BOOTSTRAP_SERVER)
    }
    const apiUrl = new URL(environment(services.consumer).API_URL)
    expect(apiUrl.hostname).toBe('api')
    expect(Number(apiUrl.port)).toBe(loadConfig(environment(services.api)).apiPort)
    const databaseUrl = new URL(environment(services.api).DATABASE_URL)
    expect(databaseUrl.protocol).toBe('postgres:')
    expect(databaseUrl.hostname).toBe('postgres')
    expect(databaseUrl.pathname).toBe(`/${environment(services.postgres).POSTGRES_DB}`)
  })

  test.each(ourServices)('%s starts only once the services it connects to are healthy', (name) => {
    const env = environment(services[name])
    const hosts = [env.BOOTSTRAP_SERVER?.split(':')[0], env.API_URL, env.DATABASE_URL]
      .filter((value) => value !== undefined)
      .map((value) => value.includes('//') ? new URL(value).hostname : value)
    expect(hosts.length).toBeGreaterThan(0)
    expect(Object.keys(services[name].depends_on ?? {}).sort()).toEqual([...hosts].sort())
    for (const host of hosts) {
      expect(services[name].depends_on?.[host].condition).toBe('service_healthy')
      expect(services[host].healthcheck, `${host} needs a healthcheck`).toBeDefined()
    }
  })
})
