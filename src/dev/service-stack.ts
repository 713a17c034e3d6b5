// The services of one deployment as child processes: API instances, gateways and consumers wired to each
// other (every consumer delivers to every API instance, the API's dashboard finds the gateway and the
// consumers). One builder for `npm start`, the tests, the fault run and the benchmark; each adds only what
// is its own (the database, keys, log level, where logs go).
import { join } from 'node:path'
import { freePorts } from './ports.ts'
import { ServiceProcess, type ServiceCommand, type ServiceEntry } from './service-process.ts'

export interface ServiceStackSpec {
  /** BOOTSTRAP_SERVER of every service. */
  bootstrap: string
  /** Shared by every service (database, keys, log level, topic prefix, ...). */
  env: Record<string, string>
  apis?: number
  gateways?: number
  consumers?: number
  /** The first instance's ports, the next instances' counting up from them; free ports when not given. */
  ports?: { api: number, gateway: number, consumer: number }
  /** Each service's output goes to <logDir>/<name>.log. */
  logDir?: string
  /** Each service's lines also go to this process's output, labelled. */
  echo?: boolean
  nodeFlags?: string[]
  entry?: ServiceEntry
  /** Added to one kind of service only, e.g. INSTANCE_ID schemes or a consumer's batch size. */
  extraEnv?: Partial<Record<ServiceCommand, Record<string, string>>>
}

export interface ServiceStack {
  apis: ServiceProcess[]
  gateways: ServiceProcess[]
  consumers: ServiceProcess[]
  /** Every service, APIs first. */
  all: ServiceProcess[]
  apiUrls: string[]
  gatewayUrls: string[]
  consumerUrls: string[]
  /** Starts every service side by side and waits until each is ready; if one is not, all are stopped. */
  start (): Promise<void>
  /** Starts every service without waiting (`npm start` reports readiness itself). */
  launch (): Promise<void>
  /** Gateways and consumers first, so nothing delivers to an API that is gone; then the APIs. */
  stop (): Promise<void>
}

const url = (port: number): string => `http://127.0.0.1:${port}`

export async function defineServiceStack (spec: ServiceStackSpec): Promise<ServiceStack> {
  const counts = { api: spec.apis ?? 1, gateway: spec.gateways ?? 1, consumer: spec.consumers ?? 1 }
  const free = spec.ports === undefined ? await freePorts(counts.api + counts.gateway + counts.consumer) : []
  const portsOf = (command: ServiceCommand, offset: number): number[] => Array.from({ length: counts[command] }, (_, i) =>
    spec.ports === undefined ? free[offset + i] as number : spec.ports[command] + i)
  const ports = { api: portsOf('api', 0), gateway: portsOf('gateway', counts.api), consumer: portsOf('consumer', counts.api + counts.gateway) }
  const apiUrls = ports.api.map(url)
  const gatewayUrls = ports.gateway.map(url)
  const consumerUrls = ports.consumer.map(url)
  const shared = {
    ...spec.env,
    BOOTSTRAP_SERVER: spec.bootstrap,
    API_URL: apiUrls.join(','),
    GATEWAY_URL: gatewayUrls[0] ?? url(0),
    CONSUMER_URLS: consumerUrls.join(',')
  }
  const make = (command: ServiceCommand, i: number, own: Record<string, string>): ServiceProcess => {
    const name = counts[command] === 1 ? command : `${command}-${i + 1}`
    return new ServiceProcess({
      name,
      command,
      env: { ...shared, ...own, ...spec.extraEnv?.[command] },
      logFile: spec.logDir === undefined ? undefined : join(spec.logDir, `${name}.log`),
      echo: spec.echo,
      nodeFlags: spec.nodeFlags,
      entry: spec.entry
    })
  }
  // Id generators need a distinct INSTANCE_ID per writing instance: APIs count from 1, gateways on from them.
  const apis = ports.api.map((port, i) => make('api', i, { PORT: String(port), INSTANCE_ID: String(1 + i) }))
  const gateways = ports.gateway.map((port, i) => make('gateway', i, { PRODUCER_PORT: String(port), INSTANCE_ID: String(1 + counts.api + i) }))
  const consumers = ports.consumer.map((port, i) => make('consumer', i, { CONSUMER_PORT: String(port) }))
  const all = [...apis, ...gateways, ...consumers]
  return {
    apis,
    gateways,
    consumers,
    all,
    apiUrls,
    gatewayUrls,
    consumerUrls,
    async start () {
      // Independent of each other (consumers retry until an API answers), so they start side by side.
      const started = await Promise.allSettled(all.map(async (s) => s.start()))
      const failed = started.find((r) => r.status === 'rejected')
      if (failed === undefined) return
      await Promise.all(all.map(async (s) => s.running ? s.kill() : undefined))
      throw failed.reason
    },
    async launch () {
      await Promise.all(all.map(async (s) => s.launch()))
    },
    async stop () {
      await Promise.all([...gateways, ...consumers].map(async (s) => s.running ? s.stop() : undefined))
      await Promise.all(apis.map(async (s) => s.running ? s.stop() : undefined))
    }
  }
}
