import { describe, expect, it } from 'vitest'
import { helmetHeaders } from '../../../src/http/security-headers.ts'

describe('helmetHeaders', () => {
  it('reads the headers helmet sets, without a content security policy by default', () => {
    const headers = helmetHeaders()
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/)
    expect(headers['cross-origin-resource-policy']).toBe('same-origin')
    expect(headers).not.toHaveProperty('content-security-policy')
  })

  it('follows helmet\'s options', () => {
    expect(helmetHeaders({})['content-security-policy']).toMatch(/default-src 'self'/)
    expect(helmetHeaders({ contentSecurityPolicy: false, frameguard: false })).not.toHaveProperty('x-frame-options')
  })

  it('drops a header helmet removes', () => {
    // helmet removes X-Powered-By; a recorder that never saw it must not invent it.
    expect(helmetHeaders()).not.toHaveProperty('x-powered-by')
  })
})
