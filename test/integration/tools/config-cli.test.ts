// An invalid environment stops a command before it starts anything: exit code 2 and one sentence on stderr
// naming the variable, spawned for real as a user runs it.
import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../../', import.meta.url).pathname

interface Run { code: number | null, signal: string | null, stdout: string, stderr: string }

function cli (args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    // The child's configuration must not come from whatever the test runner's environment holds; should it
    // start serving after all, the timeout ends it and the exit code below says so.
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'sqlite::memory:', ...env },
      timeout: 30_000
    }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string, signal?: string }) | null
      resolve({ code: failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null, signal: failed?.signal ?? null, stdout, stderr })
    })
  })
}

describe('the command line with an invalid environment', () => {
  it('exits with code 2 and one sentence naming the variable for PORT=abc api', async () => {
    const run = await cli(['api'], { PORT: 'abc' })
    expect(run.signal, run.stderr).toBeNull()
    expect(run.code, run.stderr).toBe(2)
    const lines = run.stderr.trim().split('\n')
    expect(lines, run.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/(?<![\w])PORT(?![\w])/)
    expect(lines[0]).toContain('abc')
    expect(run.stdout).toBe('')
  })
})

describe('the --brokers option of kafka and start', () => {
  it.each(['kafka', 'start'])('%s refuses an even number of nodes before starting anything', async (command) => {
    const run = await cli([command, '--brokers', '2'], {})
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain('--brokers')
    expect(run.stderr).toContain('odd number')
  })

  it('kafka --help names the cluster option', async () => {
    const run = await cli(['kafka', '--help'], {})
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/--brokers <n>/)
  })
})
