// DIALECTS narrows a test run to some database dialects; a misspelt name stops the run.
import { describe, expect, it } from 'vitest'
import { chooseDialects } from '../helpers/dialects.ts'

describe('chooseDialects', () => {
  it('runs every dialect when DIALECTS is unset or empty', () => {
    expect(chooseDialects(undefined)).toEqual(['sqlite', 'postgres'])
    expect(chooseDialects('')).toEqual(['sqlite', 'postgres'])
  })

  it('runs the named ones, in the usual order, whatever the spacing', () => {
    expect(chooseDialects('sqlite')).toEqual(['sqlite'])
    expect(chooseDialects('postgres')).toEqual(['postgres'])
    expect(chooseDialects(' postgres , sqlite ')).toEqual(['sqlite', 'postgres'])
  })

  it('refuses an unknown name, naming it', () => {
    expect(() => chooseDialects('sqlite,mysql')).toThrow(/DIALECTS.*mysql/)
    expect(() => chooseDialects('SQLite')).toThrow(/DIALECTS.*SQLite/)
    expect(() => chooseDialects(',')).toThrow(/DIALECTS/)
  })
})
