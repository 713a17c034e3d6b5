// Ctrl-C in the terminal running `npm start`: the terminal sends SIGINT to every process of the foreground
// process group. Each service must then stop once, gracefully (the consumer finishing its batch and
// committing), not take the supervisor's SIGTERM as a second signal and leave its batch unfinished.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { freePorts } from '../../src/dev/ports.ts'
import { uniqueName } from '../helpers/database.ts'
import { kafkaBootstrap } from '../helpers/kafka.ts'
import { ROOT } from '../helpers/service-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'start-interrupt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm start and Ctrl-C', () => {
  it('stops every service once and gracefully when the whole process group gets SIGINT', async () => {
    const [api, gateway, consumer] = await freePorts(3) as [number, number, number]
    const prefix = `${uniqueName('start')}-`
    // detached: the command leads its own process group, as a shell's foreground job does.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        BOOTSTRAP_SERVER: kafkaBootstrap(),
        DATABASE_URL: `sqlite:${join(dir, 'betting.sqlite')}`,
        TOPIC_PREFIX: prefix,
        CONSUMER_GROUP_PREFIX: prefix.slice(0, -1),
        PORT: String(api),
        PRODUCER_PORT: String(gateway),
        CONSUMER_PORT: String(consumer),
        LOG_LEVEL: 'info'
      }
    })
    const lines: string[] = []
    const ready = new Promise<void>((resolve, reject) => {
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line)
          if (line.includes('[start]') && line.includes('ready:')) resolve()
        })
      }
      child.once('exit', (code) => reject(new Error(`npm start exited (${String(code)}) before it was ready:\n${lines.join('\n')}`)))
    })
    const exited = new Promise<{ code: number | null, signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    try {
      await ready
      // What a terminal does on Ctrl-C: SIGINT to the group (a negative pid), the command and its children alike.
      process.kill(-(child.pid as number), 'SIGINT')
      const exit = await exited
      const output = lines.join('\n')
      expect(exit, output).toEqual({ code: 0, signal: null })
      expect(output).not.toMatch(/second (SIGINT|SIGTERM)/)
      expect(output).toMatch(/\[consumer\].*consumers stopped/)
      expect(output).toMatch(/\[api\].*api stopping/)
      expect(output).toMatch(/\[gateway\].*gateway stopping/)
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL')
    }
  }, 180_000)
})
