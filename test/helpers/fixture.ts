// The seed's own data file (../shared/fixtures/seed-dummy.json), copied into the repository unchanged.
import { readFileSync } from 'node:fs'

export interface Dataset { users: Array<Record<string, unknown>>, events: Array<Record<string, unknown>>, coupons: Array<Record<string, unknown>> }

export const SEED_FIXTURE_PATH = new URL('../fixtures/seed-dummy.json', import.meta.url).pathname

export function loadSeedFixture (): Dataset {
  return JSON.parse(readFileSync(SEED_FIXTURE_PATH, 'utf8')) as Dataset
}
