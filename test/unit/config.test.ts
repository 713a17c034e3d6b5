// loadConfig refuses an invalid environment with a ConfigError naming each bad variable and its value.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.ts'

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** `text` as a whole token: `0` is not found inside `200`, nor `PORT` inside `KAFKA_PORT`. */
const token = (text: string) => new RegExp(`(?<![\\w.,-])${escape(text)}(?![\\w.,-])`)

function refusal (env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

describe('loadConfig', () => {
  it('reads a valid environment, numbers from their text', () => {
    const config = loadConfig({ PORT: '8100', TOPICS: 'users,coupons', DATABASE_POOL_SIZE: '1' })
    expect(config.apiPort).toBe(8100)
    expect(config.consumer.entities).toEqual(['users', 'coupons'])
    expect(config.database.poolSize).toBe(1)
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['TOPICS', 'users,bets'],
    ['DATABASE_POOL_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['API_URL', 'ftp://api']
  ])('refuses %s=%s with a ConfigError naming the variable and the value', (name, value) => {
    const error = refusal({ [name]: value })
    expect(error.message).toMatch(token(name))
    expect(error.message).toMatch(token(value))
  })

  it('names every invalid variable at once, and only those', () => {
    const { message } = refusal({ PORT: 'abc', TOPICS: 'users,bets', HOST: '0.0.0.0' })
    expect(message).toMatch(token('PORT'))
    expect(message).toMatch(token('abc'))
    expect(message).toMatch(token('TOPICS'))
    expect(message).toMatch(token('users,bets'))
    expect(message).not.toMatch(token('HOST'))
  })
})
