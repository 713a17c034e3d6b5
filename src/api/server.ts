// Runs the API: open and migrate the database, listen, and on SIGTERM/SIGINT stop accepting, finish
// in-flight requests, then close the database.
import closeWithGrace from 'close-with-grace'
import type { Config } from '../config/config.ts'
import { openDatabase } from '../storage/database.ts'
import { buildApi } from './app.ts'

export async function runApi (config: Config): Promise<void> {
  const database = await openDatabase(config.database)
  const app = await buildApi({ config, database })
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'stopping after an error')
    app.log.info({ signal }, 'api stopping')
    await app.close()
    await database.close()
  })
  await app.listen({ host: config.host, port: config.apiPort })
  app.log.info({ database: database.dialect }, 'api ready')
}
