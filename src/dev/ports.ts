// Ports on the loopback interface for the local broker and the tests: free ones handed out, taken ones found.
import { createServer, type AddressInfo } from 'node:net'

/** The local broker and everything the tooling checks listen on the loopback interface only. */
export const LOCALHOST = '127.0.0.1'

/** Ports the OS reports free right now; held together until all are known so none is handed out twice. */
export async function freePorts (count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, async () => {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, LOCALHOST, resolve)
    })
    return server
  }))
  const ports = servers.map((server) => (server.address() as AddressInfo).port)
  await Promise.all(servers.map(async (server) => new Promise((resolve) => server.close(resolve))))
  return ports
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
