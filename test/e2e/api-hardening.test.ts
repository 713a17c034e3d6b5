// The API's HTTP hardening on a real port (the gateway's is in test/integration/gateway/security.test.ts):
// security headers on answers and refusals, and clients that stall while sending are cut off.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApi, type TestApi } from '../helpers/api.ts'
import { userBody } from '../helpers/records.ts'

describe('API hardening', () => {
  let t: TestApi
  let port: number
  beforeAll(async () => {
    t = await createTestApi('sqlite', { REQUEST_TIMEOUT_MS: 1000, API_KEYS: 'k' })
    await t.api.listen({ host: '127.0.0.1', port: 0 })
    port = (t.api.server.address() as { port: number }).port
  })
  afterAll(async () => { await t.close() })

  it('sends security headers on answers and refusals alike', async () => {
    const url = `http://127.0.0.1:${port}`
    const answers = [
      await fetch(`${url}/users`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify(userBody()) }),
      await fetch(`${url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(userBody()) }),
      await fetch(`${url}/users/1`),
      await fetch(`${url}/users/not-a-number`)
    ]
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 422])
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/)
      expect(res.headers.get('x-powered-by')).toBeNull()
    }
  })

  /** Sends the start of a request and then nothing; resolves with what the server said before it hung up. */
  const stall = async (start: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(start))
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString() })
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
  })

  it('hangs up on a client that stalls in its headers or its body, and stores nothing', async () => {
    const body = JSON.stringify(userBody({ id: 9 }))
    for (const start of [
      'POST /users HTTP/1.1\r\nHost: x\r\nX-Api-Ke',
      `POST /users HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`
    ]) {
      const answer = await stall(start)
      expect(answer === '' || answer.startsWith('HTTP/1.1 408'), answer).toBe(true)
    }
    expect((await fetch(`http://127.0.0.1:${port}/users/9`)).status).toBe(404)
  })
})
