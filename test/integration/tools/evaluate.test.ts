// npm run evaluate -- --quick, spawned as a user runs it: a smoke check that every algorithm and baseline
// is measured and every metric is a share. Never a threshold on quality (docs/evaluation.md has the figures).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ALGORITHM_NAMES } from '../../../src/domain/algorithms.ts'

const ROOT = new URL('../../../', import.meta.url).pathname

describe('npm run evaluate -- --quick', () => {
  it('measures every algorithm and both baselines, each metric in [0, 1], and writes nothing', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/evaluate/run.ts', '--quick', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      maxBuffer: 16 * 1024 * 1024
    })
    const result = JSON.parse(stdout) as { users: number, rows: Array<Record<string, number | string>> }
    expect(result.users).toBeGreaterThan(0)
    expect(result.rows.map((r) => r.name)).toEqual([...ALGORITHM_NAMES, 'popularity', 'reference-random'])
    for (const row of result.rows) {
      for (const metric of ['hr3', 'hr10', 'ndcg10', 'recall10', 'coverage']) {
        expect(row[metric], `${String(row.name)} ${metric}`).toBeGreaterThanOrEqual(0)
        expect(row[metric], `${String(row.name)} ${metric}`).toBeLessThanOrEqual(1)
      }
    }
  }, 120_000)
})
