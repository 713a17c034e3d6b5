// SQLite's WAL checkpoints run on a worker thread (src/storage/sqlite-checkpoints.ts): the API's own
// connection never copies the log back, yet the database file catches up with what was committed, and a
// closed database holds every row.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.ts'
import { openDatabase } from '../../../src/storage/database.ts'

const folder = mkdtempSync(join(tmpdir(), 'checkpoints-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const ROWS = 2_000
const ROW_BYTES = 2_048

async function until (check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}

describe('SQLite checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the writing connection never checkpoints', async () => {
    const file = join(folder, 'worker.sqlite')
    const database = await openDatabase(loadConfig({ DATABASE_URL: `sqlite:${file}` }).database)
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db)
    expect(rows[0]?.wal_autocheckpoint).toBe(0)
    await sql`create table filler (body blob not null)`.execute(database.db)
    const before = statSync(file).size
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < ROWS; i++) await sql`insert into filler (body) values (randomblob(${ROW_BYTES}))`.execute(trx)
    })
    // The rows are in the log first; the worker's checkpoint moves them into the file.
    expect(await until(() => statSync(file).size >= before + ROWS * ROW_BYTES, 20_000)).toBe(true)
    await database.close()
    expect(existsSync(`${file}-wal`)).toBe(false)

    const reopened = await openDatabase(loadConfig({ DATABASE_URL: `sqlite:${file}` }).database)
    const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(reopened.db)
    expect(Number(count.rows[0]?.n)).toBe(ROWS)
    await reopened.close()
  })

  it('lets a script that opens and closes a database finish normally (the worker holds no process open, nor lets it end early)', () => {
    const file = join(folder, 'script.sqlite')
    const script = `import { openDatabase } from ${JSON.stringify(join(process.cwd(), 'src/storage/database.ts'))}
const database = await openDatabase({ url: 'sqlite:${file}', schema: 'public', poolSize: 1, sqliteSynchronous: 'NORMAL' })
await database.close()
console.log('closed')`
    // A top-level await left pending when the event loop empties ends the process with exit code 13.
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
    expect(output.trim()).toBe('closed')
  })
})
