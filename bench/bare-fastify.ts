// The limit reference for the API's ceiling: a bare fastify app answering GET /health, nothing else (no
// hooks, no schemas, no logger), measured with the same load as the API so every figure can be read as a
// ratio to what fastify itself can do on this machine. Usage: node --import tsx bench/bare-fastify.ts <port>
import Fastify from 'fastify'

const app = Fastify()
app.get('/health', async () => ({ status: 'ok' }))
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
