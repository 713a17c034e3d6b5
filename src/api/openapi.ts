// The API's OpenAPI document, built from the app itself (buildApi over an in-memory SQLite database);
// run as a script it writes openapi.json at the repository root (npm run openapi).
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadConfig } from '../config/config.ts'
import { openDatabase } from '../storage/database.ts'
import { buildApi } from './app.ts'

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi.json', import.meta.url))

/** The document as the running API serves it at /openapi.json. */
export async function buildOpenApiDocument (): Promise<Record<string, unknown>> {
  // An explicit environment, not process.env: the document must not depend on where it is generated.
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
  const database = await openDatabase(config.database)
  try {
    const app = await buildApi({ config, database, logger: false })
    try {
      return app.swagger() as unknown as Record<string, unknown>
    } finally {
      await app.close()
    }
  } finally {
    await database.close()
  }
}

/** The text of openapi.json: the document, two-space indented, with a final newline. */
export async function renderOpenApi (): Promise<string> {
  return `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_PATH, await renderOpenApi())
  process.stdout.write(`wrote ${OPENAPI_PATH}\n`)
}
