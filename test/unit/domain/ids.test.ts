// Server-assigned ids (src/domain/ids.ts): unique, increasing, safe integers, separate per instance.
import { describe, expect, it } from 'vitest'
import { createIdGenerator } from '../../../src/domain/ids.ts'

const EPOCH_MS = Date.UTC(2024, 0, 1)

describe('createIdGenerator', () => {
  it('gives unique, increasing ids for many ids within one millisecond', () => {
    const next = createIdGenerator(3, () => EPOCH_MS + 1_000)
    const ids = Array.from({ length: 10_000 }, next)
    expect(new Set(ids).size).toBe(ids.length)
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number)
  })

  it('stays increasing when the clock goes backwards', () => {
    let now = EPOCH_MS + 5_000
    const next = createIdGenerator(0, () => now)
    const first = next()
    now -= 2_000
    const second = next()
    expect(second).toBeGreaterThan(first)
  })

  it('increases with the clock and keeps ids of later milliseconds above earlier ones', () => {
    let now = EPOCH_MS
    const next = createIdGenerator(1, () => now)
    const ids: number[] = []
    for (let ms = 0; ms < 100; ms++) {
      now = EPOCH_MS + ms * 7
      for (let i = 0; i < 40; i++) ids.push(next())
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
  })

  it('separates two instances in the same millisecond by their instance bits', () => {
    const clock = () => EPOCH_MS + 42
    const a = createIdGenerator(1, clock)
    const b = createIdGenerator(2, clock)
    const fromA = Array.from({ length: 1000 }, a)
    const fromB = new Set(Array.from({ length: 1000 }, b))
    for (const id of fromA) expect(fromB.has(id)).toBe(false)
    // The instance number sits above the 5 sequence bits.
    expect(Math.floor((fromA[0] as number) / 32) % 128).toBe(1)
  })

  it('gives non-negative safe integers until the layout runs out (2093)', () => {
    const late = createIdGenerator(127, () => Date.UTC(2093, 0, 1))
    for (let i = 0; i < 100; i++) {
      const id = late()
      expect(Number.isSafeInteger(id) && id >= 0).toBe(true)
    }
    expect(createIdGenerator(0, () => Date.now())()).toBeGreaterThan(0)
  })

  it('picks a random instance when given -1, and refuses instance numbers outside 0-127', () => {
    expect(Number.isSafeInteger(createIdGenerator(-1)())).toBe(true)
    expect(() => createIdGenerator(128)).toThrow(RangeError)
    expect(() => createIdGenerator(1.5)).toThrow(RangeError)
  })
})
