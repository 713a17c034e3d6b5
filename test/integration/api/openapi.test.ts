// openapi.json at the repository root is the document the API serves: regenerate it (npm run openapi)
// whenever a route or schema changes, or this test fails.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPENAPI_PATH, renderOpenApi } from '../../../src/api/openapi.ts'
import { useTestApi } from '../../helpers/api.ts'

describe('committed openapi.json', () => {
  const t = useTestApi('sqlite')

  it('equals the document generated from the app', async () => {
    const committed = readFileSync(OPENAPI_PATH, 'utf8')
    const generated = await renderOpenApi()
    // Compare parsed first for a readable diff, then the text itself (formatting included).
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated))
    expect(committed).toBe(generated)
  })

  it('equals what a running API serves at /openapi.json', async () => {
    const served = await t.api.inject({ url: '/openapi.json' })
    expect(served.statusCode).toBe(200)
    expect(served.json()).toEqual(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')))
  })

  it('documents every endpoint of the contract with its error answers', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'))
    const operations: Record<string, string[]> = {
      'post /users': ['200', '422'],
      'get /users/{user_id}': ['200', '404', '422'],
      'post /events': ['200', '422'],
      'get /events/{event_id}': ['200', '404', '422'],
      'post /coupons': ['200', '404', '409', '422'],
      'get /coupons/{coupon_id}': ['200', '404', '422'],
      'get /coupons/user/{user_id}': ['200', '404', '422'],
      'get /recommendation/{user_id}': ['200', '404', '422'],
      'post /recommendation/generate': ['200']
    }
    for (const [operation, statuses] of Object.entries(operations)) {
      const [method, path] = operation.split(' ') as [string, string]
      const responses = doc.paths[path]?.[method]?.responses
      expect(responses, operation).toBeDefined()
      for (const status of statuses) expect(Object.keys(responses), operation).toContain(status)
    }
    const events = doc.paths['/events'].post.parameters.map((p: { name: string }) => p.name)
    expect(events).toContain('gen_recommendations')
    const recommendation = doc.paths['/recommendation/{user_id}'].get.parameters.map((p: { name: string }) => p.name)
    expect(recommendation).toEqual(expect.arrayContaining(['limit', 'at', 'user_id']))
  })
})
