// All SQL behind the operator dashboard's figures: where the bets go, by sport and by league.
import type { Kysely } from 'kysely'
import type { Tables } from '../tables.ts'

export interface SportBets { sport: string, bets: number }
export interface LeagueBets { sport: string, country: string, league: string, bets: number }

/** How many sports and leagues the dashboard lists. */
export const TOP_LIMIT = 10

export function statsRepository (db: Kysely<Tables>) {
  // bet_count is kept on write (selections per event), so a ranking is one aggregation over events. Only
  // events with bets can rank: the popularity index's bet_count > 0 range, not the whole table.
  const withBets = () => db.selectFrom('events').where('bet_count', '>', 0)

  return {
    /** Sports by selections placed on their events, most first; ties by name so the order is stable. */
    async topSports (limit = TOP_LIMIT): Promise<SportBets[]> {
      const rows = await withBets()
        .select((eb) => ['sport', eb.fn.sum<number>('bet_count').as('bets')])
        .groupBy('sport')
        .orderBy('bets', 'desc').orderBy('sport')
        .limit(limit)
        .execute()
      return rows.map((r) => ({ sport: r.sport, bets: Number(r.bets) }))
    },

    /** Leagues (a league name is only unique within its sport and country), most selections first. */
    async topLeagues (limit = TOP_LIMIT): Promise<LeagueBets[]> {
      const rows = await withBets()
        .select((eb) => ['sport', 'country', 'league', eb.fn.sum<number>('bet_count').as('bets')])
        .groupBy(['sport', 'country', 'league'])
        .orderBy('bets', 'desc').orderBy('sport').orderBy('country').orderBy('league')
        .limit(limit)
        .execute()
      return rows.map((r) => ({ sport: r.sport, country: r.country, league: r.league, bets: Number(r.bets) }))
    }
  }
}
