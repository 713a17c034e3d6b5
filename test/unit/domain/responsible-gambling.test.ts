// The responsible-gambling rule (what a recommendation may show, at which instant) and how changes are read.
import { describe, expect, it } from 'vitest'
import { applyChanges, changedFields, INDEFINITE, NO_GUARDRAILS, withholding } from '../../../src/domain/responsible-gambling.ts'
import { ValidationError } from '../../../src/domain/errors.ts'
import { normaliseGuardrailChange, parseGuardrailEntry } from '../../../src/domain/validation.ts'

const NOW = 1_800_000_000_000_000
const HOUR = 3_600_000_000

describe('withholding', () => {
  it('withholds everything while an exclusion lasts, and nothing once it has ended', () => {
    const excluded = { selfExcludedUntil: NOW + HOUR, marketingOptOut: true }
    expect(withholding(excluded, NOW)).toBe('self_excluded')
    expect(withholding(excluded, NOW + HOUR)).toBe('marketing_opt_out')
    expect(withholding({ ...excluded, marketingOptOut: false }, NOW + 2 * HOUR)).toBeUndefined()
    expect(withholding(NO_GUARDRAILS, NOW)).toBeUndefined()
  })

  it('judges an instant asked at both that instant and now: the past never reopens today\'s exclusion', () => {
    const excluded = { selfExcludedUntil: NOW + HOUR, marketingOptOut: false }
    expect(withholding(excluded, NOW, NOW - 100 * HOUR)).toBe('self_excluded')
    expect(withholding(excluded, NOW, NOW + 5 * HOUR)).toBe('self_excluded')
    const ended = { selfExcludedUntil: NOW - HOUR, marketingOptOut: false }
    expect(withholding(ended, NOW, NOW - 2 * HOUR)).toBe('self_excluded')
    expect(withholding(ended, NOW, NOW + HOUR)).toBeUndefined()
  })
})

describe('changes', () => {
  it('moves only the fields that differ, old to new', () => {
    const state = { selfExcludedUntil: null, marketingOptOut: true }
    const moved = changedFields(state, { userId: 1, selfExcludedUntil: NOW, marketingOptOut: true })
    expect(moved).toEqual([{ field: 'self_excluded_until', old: null, new: NOW }])
    expect(applyChanges(state, moved)).toEqual({ selfExcludedUntil: NOW, marketingOptOut: true })
    expect(changedFields(applyChanges(state, moved), { userId: 1, selfExcludedUntil: NOW })).toEqual([])
  })

  it('reads a far-future end (9999-12-31 included) as indefinite, and checks the rest of it', () => {
    expect(normaliseGuardrailChange({ self_excluded_until: '9999-12-31T23:59:59Z' }, 4).selfExcludedUntil).toBe(INDEFINITE)
    expect(normaliseGuardrailChange({ self_excluded_until: '2200-01-01' }, 4).selfExcludedUntil).toBe(INDEFINITE)
    expect(normaliseGuardrailChange({ self_excluded_until: '2199-12-31T23:59:59Z' }, 4).selfExcludedUntil).toBe(Date.UTC(2199, 11, 31, 23, 59, 59) * 1000)
    expect(() => normaliseGuardrailChange({ self_excluded_until: '9999-02-30' }, 4)).toThrow(ValidationError)
    expect(normaliseGuardrailChange({ self_excluded_until: null, reason: 'lifted' }, 4)).toEqual({ userId: 4, selfExcludedUntil: null, reason: 'lifted' })
  })

  it('parses a bulk entry with its user id as text or number, and names bad fields', () => {
    expect(parseGuardrailEntry({ user_id: '12', marketing_opt_out: false, change_id: '5' })).toEqual({ userId: 12, marketingOptOut: false, changeId: 5 })
    expect(() => parseGuardrailEntry({ marketing_opt_out: true })).toThrow(/body\.user_id: is required/)
    expect(() => parseGuardrailEntry({ user_id: 1 })).toThrow(/must set self_excluded_until or marketing_opt_out/)
  })
})
