// All SQL about users.
import { sql, type Kysely } from 'kysely'
import type { User } from '../../domain/entities.ts'
import type { Tables, UsersTable } from '../tables.ts'
import { inIds, rowsOf, type Column } from './batch.ts'
import { arg, prepared } from './prepared.ts'

export interface StoredUser { user: User, registrationDateAuto: boolean }

function toStored (row: UsersTable): StoredUser {
  return {
    user: {
      id: row.id,
      birth_year: row.birth_year,
      country: row.country,
      currency: row.currency,
      gender: row.gender as User['gender'],
      registration_date: row.registration_date
    },
    registrationDateAuto: row.registration_date_auto === 1
  }
}

const USER_COLUMNS: readonly Column[] = [
  { name: 'id', pgType: 'bigint' },
  { name: 'birth_year', pgType: 'integer' },
  { name: 'country', pgType: 'text' },
  { name: 'currency', pgType: 'text' },
  { name: 'gender', pgType: 'text' },
  { name: 'registration_date', pgType: 'bigint' },
  { name: 'registration_date_auto', pgType: 'integer' }
]

// POST /users and every coupon's user check run these; compiled once (see prepared.ts).
const insertUser = prepared((db) => db.insertInto('users').values({
  id: arg(0),
  birth_year: arg(1),
  country: arg(2),
  currency: arg(3),
  gender: arg(4),
  registration_date: arg(5),
  registration_date_auto: arg(6)
}).onConflict((oc) => oc.column('id').doNothing()))
const findUser = prepared((db) => db.selectFrom('users').selectAll().where('id', '=', arg<number>(0)))
const userExists = prepared((db) => db.selectFrom('users').select('id').where('id', '=', arg<number>(0)))

export function userRepository (db: Kysely<Tables>) {
  return {
    /** Inserts each user whose id does not exist, in one statement; returns the ids this call stored. */
    async insertMany (users: readonly StoredUser[]): Promise<Set<number>> {
      if (users.length === 0) return new Set()
      const rows = users.map(({ user: u, registrationDateAuto }) =>
        [u.id, u.birth_year, u.country, u.currency, u.gender, u.registration_date, registrationDateAuto ? 1 : 0])
      const { rows: inserted } = await sql<{ id: number }>`insert into users (${sql.raw(USER_COLUMNS.map((c) => c.name).join(', '))})
        ${rowsOf(db, USER_COLUMNS, rows)} on conflict (id) do nothing returning id`.execute(db)
      return new Set(inserted.map((r) => Number(r.id)))
    },

    /** Which of the ids are stored users. */
    async existing (ids: readonly number[]): Promise<Set<number>> {
      if (ids.length === 0) return new Set()
      const rows = await db.selectFrom('users').select('id').where(inIds(db, 'users.id', ids)).execute()
      return new Set(rows.map((r) => r.id))
    },

    /** Inserts unless the id exists; true when this call stored it. */
    async insert (user: User, registrationDateAuto: boolean): Promise<boolean> {
      const result = await insertUser(db, user.id, user.birth_year, user.country, user.currency, user.gender,
        user.registration_date, registrationDateAuto ? 1 : 0)
      return Number(result.numAffectedRows ?? 0n) > 0
    },

    async find (id: number): Promise<StoredUser | undefined> {
      const { rows: [row] } = await findUser(db, id)
      return row === undefined ? undefined : toStored(row)
    },

    async exists (id: number): Promise<boolean> {
      return (await userExists(db, id)).rows.length > 0
    },

    async count (): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    }
  }
}
