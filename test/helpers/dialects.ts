// Which database dialects a run covers. Both by default: they are part of the contract. DIALECTS narrows a
// run on purpose (`DIALECTS=sqlite` where no PostgreSQL server is reachable); a misspelt name stops the run
// rather than silently running fewer suites.
export const ALL_DIALECTS = ['sqlite', 'postgres'] as const
export type TestDialect = typeof ALL_DIALECTS[number]

/** The dialects named by a DIALECTS value (comma-separated, in the usual order), all of them when unset or empty. */
export function chooseDialects (value: string | undefined): readonly TestDialect[] {
  if (value === undefined || value.trim() === '') return ALL_DIALECTS
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '')
  const known: readonly string[] = ALL_DIALECTS
  const unknown = names.filter((name) => !known.includes(name))
  if (unknown.length > 0) {
    throw new Error(`DIALECTS=${value} names an unknown dialect (${unknown.join(', ')}): give a comma-separated list of ${ALL_DIALECTS.join(', ')}, or leave it unset for both`)
  }
  if (names.length === 0) {
    throw new Error(`DIALECTS=${value} names no dialect: give a comma-separated list of ${ALL_DIALECTS.join(', ')}, or leave it unset for both`)
  }
  return ALL_DIALECTS.filter((dialect) => names.includes(dialect))
}
