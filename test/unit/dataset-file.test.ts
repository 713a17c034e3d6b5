// Reading dataset files as streams: records come out as their own JSON text, whatever the file's layout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { EntityName } from '../../src/domain/entities.ts'
import { countDatasetFile, datasetFileRecords, DatasetFormatError } from '../../src/tools/upload/index.ts'
import { loadSeedFixture, SEED_FIXTURE_PATH } from '../helpers/fixture.ts'

const dir = mkdtempSync(join(tmpdir(), 'dataset-file-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let fileCount = 0
function file (text: string): string {
  const path = join(dir, `f${fileCount++}.json`)
  writeFileSync(path, text)
  return path
}

async function records (path: string, entity: EntityName): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const text of datasetFileRecords(path, entity)) out.push(JSON.parse(text))
  return out
}

describe('dataset files', () => {
  it('reads the seed fixture record by record, as JSON.parse sees it', async () => {
    const seed = loadSeedFixture()
    expect(await countDatasetFile(SEED_FIXTURE_PATH)).toEqual({ users: 101, events: 101, coupons: 101 })
    expect(await records(SEED_FIXTURE_PATH, 'users')).toEqual(seed.users)
    expect(await records(SEED_FIXTURE_PATH, 'events')).toEqual(seed.events)
    expect(await records(SEED_FIXTURE_PATH, 'coupons')).toEqual(seed.coupons)
  })

  it('copes with any key order, other keys, and strings holding brackets, commas and escapes', async () => {
    const data = {
      meta: { note: 'users: [1, 2]', list: [[{ users: [] }]] },
      coupons: [{ coupon_id: 1, note: 'a "quoted", ]bracket[ and \\ backslash' }, { coupon_id: 2, emoji: 'Ολυμπιακός ⚽' }],
      'us\\"ers': [{ not: 'users' }],
      users: [{ user_id: 3 }, 42, 'text, with comma', null, [1, [2]]]
    }
    const path = file(JSON.stringify(data, null, 3))
    expect(await countDatasetFile(path)).toEqual({ users: 5, events: undefined, coupons: 2 })
    expect(await records(path, 'users')).toEqual(data.users)
    expect(await records(path, 'coupons')).toEqual(data.coupons)
    expect(await records(path, 'events')).toEqual([])
  })

  it('follows records and keys across read chunks', async () => {
    // Chunks are 1 MiB: the "users" key straddles the first boundary, and a 1.75 MB record spans the second.
    const before = '{"pad":"'
    const padding = 'x'.repeat(1024 * 1024 - before.length - 3 - 2)
    const long = `${'a"\\{['.repeat(250_000)}Ω`
    const text = `${before}${padding}","users":[{"user_id":1,"long":${JSON.stringify(long)}},{"user_id":2}]}`
    expect(text.indexOf('"users"')).toBe(1024 * 1024 - 3)
    const path = file(text)
    expect(await countDatasetFile(path)).toEqual({ users: 2, events: undefined, coupons: undefined })
    expect(await records(path, 'users')).toEqual([{ user_id: 1, long }, { user_id: 2 }])
  })

  it('refuses what is not a dataset', async () => {
    await expect(countDatasetFile(file('[{"user_id": 1}]'))).rejects.toThrow(DatasetFormatError)
    await expect(countDatasetFile(file(''))).rejects.toThrow(/empty/)
    await expect(countDatasetFile(file('{"users": {"user_id": 1}}'))).rejects.toThrow(/"users" must be an array/)
    await expect(countDatasetFile(file('{"users": [{"user_id": 1}'))).rejects.toThrow(/ends before/)
    await expect(countDatasetFile(file('{"users": [{"user_id": 1},,{}]}'))).rejects.toThrow(/empty element/)
    await expect(countDatasetFile(file('{"users": []} {}'))).rejects.toThrow(/after the top-level object/)
  })
})
