// An event's features (src/recommender/features.ts): keys that meet across feeds, leagues told apart by country.
import { describe, expect, it } from 'vitest'
import { eventFeatures, kindOf, leagueKey, sportOfKey } from '../../../src/recommender/features.ts'

const event = { sport: 'Football', country: 'UK', league: 'Premier League', participants: ['Arsenal', 'Chelsea'] }

describe('eventFeatures', () => {
  it('gives one sport, one league and one key per participant, labelled with the event\'s own names', () => {
    expect(eventFeatures(event)).toEqual([
      { key: 'sport:football', kind: 'sport', label: 'Football' },
      { key: 'league:football|uk|premier league', kind: 'league', label: 'Premier League (UK)' },
      { key: 'team:football|arsenal', kind: 'team', label: 'Arsenal' },
      { key: 'team:football|chelsea', kind: 'team', label: 'Chelsea' }
    ])
  })

  it('keys a league by sport, country and name: the same name in two countries is two leagues', () => {
    expect(leagueKey({ ...event, country: 'UA' })).not.toBe(leagueKey(event))
    expect(leagueKey({ ...event, sport: 'Basketball' })).not.toBe(leagueKey(event))
  })

  it('folds case and spaces, so feeds spelling a name slightly differently meet', () => {
    const other = eventFeatures({ sport: ' football ', country: 'uk', league: 'Premier  League', participants: ['ARSENAL', 'Chelsea'] })
    expect(other.map((f) => f.key)).toEqual(eventFeatures(event).map((f) => f.key))
  })

  it('counts a participant named twice once, and keys participants per sport', () => {
    expect(eventFeatures({ ...event, participants: ['Arsenal', 'arsenal', 'Chelsea'] }).filter((f) => f.kind === 'team')).toHaveLength(2)
    const basketball = eventFeatures({ ...event, sport: 'Basketball' }).find((f) => f.label === 'Arsenal')
    expect(basketball?.key).toBe('team:basketball|arsenal')
  })

  it('reads a key\'s kind and sport back', () => {
    expect(kindOf('team:football|arsenal')).toBe('team')
    expect(kindOf('all')).toBeUndefined()
    expect(sportOfKey('league:football|uk|premier league')).toBe('sport:football')
    expect(sportOfKey('team:ice hockey|boston bruins')).toBe('sport:ice hockey')
  })
})
