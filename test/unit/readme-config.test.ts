// The README's configuration table is the one generated from the environment schema.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EnvSchema } from '../../src/config/config.ts'
import { configTable } from '../../src/config/table.ts'

describe('README configuration table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

  it('is exactly the table generated from the schema (run npm run docs:config)', () => {
    expect(readme).toContain(configTable())
  })

  it('names every variable the services read', () => {
    for (const name of Object.keys(EnvSchema.properties)) expect(readme).toContain(`\`${name}\``)
  })
})
