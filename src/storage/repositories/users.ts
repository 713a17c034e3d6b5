// All SQL about users.
import type { Kysely } from 'kysely'
import type { User } from '../../domain/entities.ts'
import type { Tables, UsersTable } from '../tables.ts'

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

export function userRepository (db: Kysely<Tables>) {
  return {
    /** Inserts unless the id exists; true when this call stored it. */
    async insert (user: User, registrationDateAuto: boolean): Promise<boolean> {
      const result = await db.insertInto('users')
        .values({ ...user, registration_date_auto: registrationDateAuto ? 1 : 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
    },

    async find (id: number): Promise<StoredUser | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toStored(row)
    },

    async exists (id: number): Promise<boolean> {
      const row = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
      return row !== undefined
    },

    async count (): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    }
  }
}
