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

  it('reads API_URL as one API instance, exactly as given', () => {
    expect(loadConfig({}).consumer).toMatchObject({ apiUrls: ['http://127.0.0.1:8098'], apiUrl: 'http://127.0.0.1:8098' })
    expect(loadConfig({ API_URL: 'https://api.example:8443' }).consumer).toMatchObject({ apiUrls: ['https://api.example:8443'], apiUrl: 'https://api.example:8443' })
  })

  it('reads API_URL as several comma-separated instances, each once, without a trailing slash', () => {
    const { consumer } = loadConfig({ API_URL: 'http://api-1:8098, http://api-2:8098/,http://api-1:8098' })
    expect(consumer.apiUrls).toEqual(['http://api-1:8098', 'http://api-2:8098'])
    expect(consumer.apiUrl).toBe('http://api-1:8098')
  })

  it.each([
    ['http://api-1:8098,ftp://api-2', 'ftp://api-2', 'must start with http:// or https://'],
    ['http://api-1:8098,,http://api-3:8098', '""', 'is empty'],
    ['http://api-1:8098,api-2:8098', 'api-2:8098', 'must start with http:// or https://'],
    ['http://api-1:8098,not a url', 'not a url', 'is not a URL'],
    ['http://api-1:8098,http://api-2:8098/v1', 'http://api-2:8098/v1', 'must be an origin only']
  ])('refuses API_URL=%s naming the variable and the bad entry %s', (value, entry, problem) => {
    const { message } = refusal({ API_URL: value })
    expect(message).toMatch(token('API_URL'))
    expect(message).toContain(entry)
    expect(message).toContain(problem)
    expect(message).toContain('entry 2 of')
  })

  it('names a bad API_URL entry together with the other invalid variables', () => {
    const { message } = refusal({ PORT: 'abc', API_URL: 'http://api-1:8098,ftp://api-2' })
    expect(message).toMatch(token('PORT'))
    expect(message).toContain('API_URL "ftp://api-2"')
  })
})
