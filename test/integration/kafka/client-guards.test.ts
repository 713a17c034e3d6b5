// guardKafkaClient: a request for the connection of a broker the metadata does not list fails with a
// retriable error, instead of throwing a TypeError where nothing can catch it.
import { ConnectionPool, NetworkError, type Broker } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { guardKafkaClient } from '../../../src/kafka/client-guards.ts'

describe('guardKafkaClient', () => {
  it('answers a connection request for an unknown broker with a retriable NetworkError, by callback and by promise', async () => {
    guardKafkaClient()
    const pool = new ConnectionPool('guard-test')
    try {
      const error = await new Promise((resolve) => pool.get(undefined as unknown as Broker, (e) => resolve(e)))
      expect(error).toBeInstanceOf(NetworkError)
      expect((error as NetworkError).canRetry).toBe(true)
      await expect(pool.get(undefined as unknown as Broker)).rejects.toBeInstanceOf(NetworkError)
    } finally {
      await pool.close()
    }
  })

  it('leaves requests for a known broker to the client', async () => {
    guardKafkaClient()
    const pool = new ConnectionPool('guard-test', { connectTimeout: 500 })
    try {
      // Nothing listens on port 1: the client's own connection error, not the guard's.
      const error = await pool.get({ host: '127.0.0.1', port: 1 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).not.toMatch(/No address is known/)
    } finally {
      await pool.close()
    }
  })
})
