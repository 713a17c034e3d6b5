// Prints the configuration table (every environment variable, its default and meaning) as Markdown,
// for the README: `npm run docs:config`.
import { EnvSchema } from './config.ts'

export function configTable (): string {
  const rows = Object.entries(EnvSchema.properties).map(([name, schema]) => {
    const { default: fallback, description } = schema as { default?: unknown, description?: string }
    const shown = fallback === '' ? '(empty)' : name === 'KAFKA_CACHE_DIR' ? '~/.cache/betting-kafka' : String(fallback)
    return `| \`${name}\` | \`${shown}\` | ${description ?? ''} |`
  })
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${configTable()}\n`)
