// Ports on the loopback interface for the local broker and the tests: free ones handed out, taken ones found.
import { createServer, type AddressInfo, type Server } from 'node:net'

/** The local broker and everything the tooling checks listen on the loopback interface only. */
export const LOCALHOST = '127.0.0.1'

/**
 * Below Linux's default ephemeral range (32768-60999), where the OS never picks the local port of an
 * outgoing connection. A port from that range, free when handed out, can be taken by one of the test run's
 * own client connections before the broker or service binds it; that made cluster nodes exit at start-up.
 */
const PORT_RANGE = { from: 20_000, to: 32_767 } as const

/** Ports free right now, outside the ephemeral range; held together until all are known so none is handed out twice. */
export async function freePorts (count: number): Promise<number[]> {
  const held: Server[] = []
  try {
    while (held.length < count) {
      const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from + 1))
      const server = await listenOn(port)
      if (server !== undefined) held.push(server)
    }
    return held.map((server) => (server.address() as AddressInfo).port)
  } finally {
    await Promise.all(held.map(async (server) => new Promise((resolve) => server.close(resolve))))
  }
}

/** A server listening on `port`, or undefined when the port is taken. */
async function listenOn (port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen(port, LOCALHOST, () => resolve(server))
  })
}

/** The first of `ports` something already listens on, or undefined when all of them are free. */
export async function firstPortInUse (ports: number[]): Promise<number | undefined> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, LOCALHOST, () => server.close(() => resolve(true)))
    })
    if (!free) return port
  }
  return undefined
}
