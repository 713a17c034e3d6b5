// The sporting world a generated dataset lives in: sports, leagues (some names shared across countries),
// teams and players with a popularity, and a fixture calendar with each competition's rhythm — football
// rounds on weekend slots with the odd midweek round, daily slates in the US leagues, tournament days in
// tennis and golf, a weekly night for European cups — so several fixtures start at once and weekends
// cluster, as on a real sportsbook.
import { int, pick, shuffle, type Random } from './random.ts'

export type Rhythm = 'weekend' | 'daily' | 'tour' | 'weekly'

export interface League { name: string, country: string, rhythm: Rhythm, teams: string[] }
export interface Sport { name: string, weight: number, minutes: number, leagues: League[] }

/** A fixture before it is an event record: indexes into the world, and its kick-off (epoch ms). */
export interface Fixture { sport: number, league: number, home: number, away: number, beginMs: number, durationMs: number }

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

/** Sports and their real leagues; `weight` is how common a sport is on a sportsbook's coupons. */
export const SPORTS: Sport[] = [
  {
    name: 'Football',
    weight: 40,
    minutes: 110,
    leagues: [
      { name: 'Premier League', country: 'UK', rhythm: 'weekend', teams: ['Arsenal', 'Liverpool', 'Manchester City', 'Manchester United', 'Chelsea', 'Tottenham', 'Newcastle', 'Aston Villa', 'West Ham', 'Brighton', 'Everton', 'Wolves', 'Crystal Palace', 'Fulham', 'Brentford', 'Nottingham Forest'] },
      { name: 'La Liga', country: 'ES', rhythm: 'weekend', teams: ['Real Madrid', 'Barcelona', 'Atletico Madrid', 'Sevilla', 'Valencia', 'Real Sociedad', 'Villarreal', 'Real Betis', 'Athletic Bilbao', 'Girona', 'Celta Vigo', 'Osasuna', 'Getafe', 'Mallorca'] },
      { name: 'Serie A', country: 'IT', rhythm: 'weekend', teams: ['Juventus', 'Inter', 'AC Milan', 'Napoli', 'Roma', 'Lazio', 'Atalanta', 'Fiorentina', 'Bologna', 'Torino', 'Udinese', 'Genoa', 'Sassuolo', 'Lecce'] },
      { name: 'Bundesliga', country: 'DE', rhythm: 'weekend', teams: ['Bayern Munich', 'Borussia Dortmund', 'RB Leipzig', 'Bayer Leverkusen', 'Eintracht Frankfurt', 'VfB Stuttgart', 'Wolfsburg', 'Freiburg', 'Union Berlin', 'Werder Bremen', 'Mainz', 'Augsburg'] },
      { name: 'Ligue 1', country: 'FR', rhythm: 'weekend', teams: ['Paris Saint-Germain', 'Marseille', 'Lyon', 'Monaco', 'Lille', 'Nice', 'Rennes', 'Lens', 'Nantes', 'Strasbourg', 'Montpellier', 'Toulouse'] },
      { name: 'Super League', country: 'GR', rhythm: 'weekend', teams: ['Olympiacos', 'Panathinaikos', 'AEK Athens', 'PAOK', 'Aris', 'Asteras Tripolis', 'OFI', 'Atromitos', 'Volos', 'Lamia'] },
      { name: 'Super League', country: 'CH', rhythm: 'weekend', teams: ['Young Boys', 'Basel', 'Servette', 'Lugano', 'Zurich', 'St. Gallen', 'Luzern', 'Grasshoppers', 'Sion', 'Winterthur'] },
      { name: 'Premier League', country: 'UA', rhythm: 'weekend', teams: ['Shakhtar Donetsk', 'Dynamo Kyiv', 'Dnipro-1', 'Zorya', 'Vorskla', 'Kryvbas', 'Polissya', 'Oleksandriya'] },
      { name: 'Eredivisie', country: 'NL', rhythm: 'weekend', teams: ['Ajax', 'PSV', 'Feyenoord', 'AZ Alkmaar', 'Twente', 'Utrecht', 'Heerenveen', 'Sparta Rotterdam', 'NEC', 'Go Ahead Eagles'] },
      { name: 'Primeira Liga', country: 'PT', rhythm: 'weekend', teams: ['Benfica', 'Porto', 'Sporting CP', 'Braga', 'Vitoria Guimaraes', 'Boavista', 'Famalicao', 'Casa Pia', 'Estoril', 'Rio Ave'] },
      { name: 'Championship', country: 'UK', rhythm: 'weekend', teams: ['Leeds United', 'Leicester City', 'Sunderland', 'Norwich City', 'West Brom', 'Middlesbrough', 'Coventry City', 'Watford', 'Hull City', 'Stoke City', 'Bristol City', 'Millwall', 'Preston', 'QPR', 'Swansea', 'Cardiff'] },
      { name: 'Serie A', country: 'BR', rhythm: 'weekend', teams: ['Flamengo', 'Palmeiras', 'Sao Paulo', 'Corinthians', 'Fluminense', 'Gremio', 'Internacional', 'Atletico Mineiro', 'Botafogo', 'Santos', 'Cruzeiro', 'Vasco da Gama'] },
      { name: 'Liga Profesional', country: 'AR', rhythm: 'weekend', teams: ['River Plate', 'Boca Juniors', 'Racing Club', 'Independiente', 'San Lorenzo', 'Estudiantes', 'Velez Sarsfield', 'Lanus', 'Talleres', 'Rosario Central'] },
      { name: 'J1 League', country: 'JPN', rhythm: 'weekend', teams: ['Kawasaki Frontale', 'Yokohama F. Marinos', 'Urawa Reds', 'Kashima Antlers', 'Vissel Kobe', 'Gamba Osaka', 'Cerezo Osaka', 'Nagoya Grampus', 'FC Tokyo', 'Sanfrecce Hiroshima'] },
      { name: 'A-League', country: 'AU', rhythm: 'weekend', teams: ['Melbourne Victory', 'Sydney FC', 'Melbourne City', 'Western Sydney Wanderers', 'Brisbane Roar', 'Adelaide United', 'Perth Glory', 'Central Coast Mariners'] },
      { name: 'MLS', country: 'US', rhythm: 'weekend', teams: ['Inter Miami', 'LA Galaxy', 'LAFC', 'Seattle Sounders', 'Atlanta United', 'New York City', 'Columbus Crew', 'Philadelphia Union', 'Portland Timbers', 'Austin FC'] },
      { name: 'Champions League', country: 'EU', rhythm: 'weekly', teams: ['Real Madrid', 'Manchester City', 'Bayern Munich', 'Barcelona', 'Paris Saint-Germain', 'Liverpool', 'Inter', 'Arsenal', 'Borussia Dortmund', 'Atletico Madrid', 'Napoli', 'Benfica', 'Porto', 'PSV', 'Juventus', 'AC Milan'] }
    ]
  },
  {
    name: 'Basketball',
    weight: 15,
    minutes: 150,
    leagues: [
      { name: 'NBA', country: 'US', rhythm: 'daily', teams: ['Los Angeles Lakers', 'Boston Celtics', 'Golden State Warriors', 'Chicago Bulls', 'New York Knicks', 'Miami Heat', 'Milwaukee Bucks', 'Denver Nuggets', 'Phoenix Suns', 'Dallas Mavericks', 'Philadelphia 76ers', 'Brooklyn Nets', 'Cleveland Cavaliers', 'Oklahoma City Thunder'] },
      { name: 'Euroleague', country: 'EU', rhythm: 'weekly', teams: ['Olympiacos', 'Panathinaikos', 'Real Madrid', 'Barcelona', 'Fenerbahce', 'Anadolu Efes', 'Maccabi Tel Aviv', 'Zalgiris', 'Monaco', 'Partizan', 'Virtus Bologna', 'Bayern Munich'] },
      { name: 'ACB', country: 'ES', rhythm: 'weekend', teams: ['Real Madrid', 'Barcelona', 'Baskonia', 'Valencia Basket', 'Unicaja', 'Joventut', 'Gran Canaria', 'Tenerife'] },
      { name: 'Basket League', country: 'GR', rhythm: 'weekend', teams: ['Olympiacos', 'Panathinaikos', 'AEK Athens', 'PAOK', 'Aris', 'Peristeri', 'Promitheas', 'Kolossos'] }
    ]
  },
  {
    name: 'Tennis',
    weight: 12,
    minutes: 150,
    leagues: [
      { name: 'ATP', country: 'WORLD', rhythm: 'tour', teams: ['Novak Djokovic', 'Carlos Alcaraz', 'Jannik Sinner', 'Daniil Medvedev', 'Alexander Zverev', 'Holger Rune', 'Stefanos Tsitsipas', 'Casper Ruud', 'Andrey Rublev', 'Taylor Fritz', 'Alex de Minaur', 'Hubert Hurkacz', 'Tommy Paul', 'Ben Shelton', 'Grigor Dimitrov', 'Frances Tiafoe'] },
      { name: 'WTA', country: 'WORLD', rhythm: 'tour', teams: ['Iga Swiatek', 'Aryna Sabalenka', 'Coco Gauff', 'Elena Rybakina', 'Jessica Pegula', 'Ons Jabeur', 'Maria Sakkari', 'Marketa Vondrousova', 'Qinwen Zheng', 'Jelena Ostapenko', 'Daria Kasatkina', 'Madison Keys', 'Barbora Krejcikova', 'Emma Navarro'] }
    ]
  },
  {
    name: 'Ice Hockey',
    weight: 8,
    minutes: 150,
    leagues: [
      { name: 'NHL', country: 'US', rhythm: 'daily', teams: ['New York Rangers', 'Boston Bruins', 'Toronto Maple Leafs', 'Edmonton Oilers', 'Pittsburgh Penguins', 'Chicago Blackhawks', 'Colorado Avalanche', 'Tampa Bay Lightning', 'Vegas Golden Knights', 'Florida Panthers', 'Dallas Stars', 'Montreal Canadiens'] },
      { name: 'SHL', country: 'SE', rhythm: 'weekend', teams: ['Frolunda', 'Farjestad', 'Skelleftea', 'Lulea', 'Djurgarden', 'Rogle', 'Vaxjo', 'Malmo'] }
    ]
  },
  { name: 'Volleyball', weight: 4, minutes: 120, leagues: [{ name: 'SuperLega', country: 'IT', rhythm: 'weekend', teams: ['Trentino', 'Perugia', 'Civitanova', 'Modena', 'Piacenza', 'Monza', 'Milano', 'Verona'] }, { name: 'PlusLiga', country: 'PL', rhythm: 'weekend', teams: ['Jastrzebski Wegiel', 'ZAKSA', 'Asseco Resovia', 'Projekt Warszawa', 'Skra Belchatow', 'Trefl Gdansk', 'Aluron Zawiercie', 'Lublin'] }] },
  { name: 'Rugby', weight: 4, minutes: 100, leagues: [{ name: 'Premiership', country: 'UK', rhythm: 'weekend', teams: ['Saracens', 'Leicester Tigers', 'Northampton Saints', 'Bath', 'Harlequins', 'Exeter Chiefs', 'Sale Sharks', 'Gloucester'] }, { name: 'Top 14', country: 'FR', rhythm: 'weekend', teams: ['Toulouse', 'La Rochelle', 'Racing 92', 'Stade Francais', 'Bordeaux Begles', 'Toulon', 'Clermont', 'Castres'] }] },
  { name: 'Golf', weight: 3, minutes: 240, leagues: [{ name: 'PGA Tour', country: 'US', rhythm: 'tour', teams: ['Scottie Scheffler', 'Rory McIlroy', 'Jon Rahm', 'Xander Schauffele', 'Collin Morikawa', 'Viktor Hovland', 'Patrick Cantlay', 'Tommy Fleetwood', 'Ludvig Aberg', 'Wyndham Clark'] }] },
  { name: 'Baseball', weight: 6, minutes: 180, leagues: [{ name: 'MLB', country: 'US', rhythm: 'daily', teams: ['New York Yankees', 'Boston Red Sox', 'Los Angeles Dodgers', 'San Francisco Giants', 'Chicago Cubs', 'Houston Astros', 'Atlanta Braves', 'New York Mets', 'Philadelphia Phillies', 'San Diego Padres'] }, { name: 'NPB', country: 'JPN', rhythm: 'daily', teams: ['Yomiuri Giants', 'Hanshin Tigers', 'Hiroshima Carp', 'Yakult Swallows', 'Chunichi Dragons', 'SoftBank Hawks'] }] },
  { name: 'Handball', weight: 3, minutes: 90, leagues: [{ name: 'EHF Champions League', country: 'EU', rhythm: 'weekly', teams: ['THW Kiel', 'SG Flensburg-Handewitt', 'Barca', 'Veszprem', 'Paris Saint-Germain', 'Aalborg', 'Kielce', 'Magdeburg'] }] },
  { name: 'Cricket', weight: 5, minutes: 210, leagues: [{ name: 'IPL', country: 'IN', rhythm: 'daily', teams: ['Mumbai Indians', 'Chennai Super Kings', 'Royal Challengers Bengaluru', 'Kolkata Knight Riders', 'Delhi Capitals', 'Rajasthan Royals', 'Sunrisers Hyderabad', 'Punjab Kings'] }, { name: 'The Hundred', country: 'UK', rhythm: 'daily', teams: ['Oval Invincibles', 'London Spirit', 'Manchester Originals', 'Northern Superchargers', 'Southern Brave', 'Trent Rockets', 'Welsh Fire', 'Birmingham Phoenix'] }] }
]

/** Kick-off times (UTC hours) by rhythm; several fixtures share a slot. */
const SLOTS: Record<Rhythm, number[]> = {
  weekend: [12.5, 15, 15, 17.5, 20],
  daily: [23, 23.5, 0.5, 1],
  tour: [10, 12, 14, 16, 18],
  weekly: [17.75, 20, 20]
}

/** Popularity of the team at `rank` in its list (the big names first): a long tail, as on coupons. */
export function teamPopularity (rank: number): number {
  return 1 / (1 + rank) ** 0.8
}

const SYLLABLES = ['ar', 'bel', 'cor', 'dun', 'el', 'fal', 'gran', 'hol', 'is', 'kar', 'lin', 'mor', 'nor', 'os', 'pel', 'ros', 'sal', 'tor', 'ul', 'ven', 'wes', 'zan']
const SUFFIXES = ['United', 'City', 'Athletic', 'Rovers', 'FC', 'Town', 'Wanderers', 'Sporting']

/** Lower divisions for a sport whose real leagues cannot hold its share of events: generated names. */
function lowerLeague (random: Random, sport: Sport, n: number): League {
  const base = sport.leagues[n % sport.leagues.length] as League
  const division = Math.floor(n / sport.leagues.length) + 2
  const teams = new Set<string>()
  while (teams.size < 12) {
    const name = `${pick(random, SYLLABLES)}${pick(random, SYLLABLES)}${pick(random, SYLLABLES)}`
    teams.add(`${name[0]?.toUpperCase()}${name.slice(1)} ${pick(random, SUFFIXES)}`)
  }
  return { name: `${base.name} Division ${division}`, country: base.country, rhythm: base.rhythm === 'tour' ? 'tour' : 'weekend', teams: [...teams] }
}

/** Every fixture of a league between two instants, by its rhythm. */
function calendar (random: Random, sportIndex: number, leagueIndex: number, league: League, fromMs: number, toMs: number, minutes: number): Fixture[] {
  const fixtures: Fixture[] = []
  const firstDay = Math.floor(fromMs / DAY_MS) * DAY_MS
  const add = (dayMs: number, pairs: number, slotHours: number[]) => {
    const order = shuffle(random, league.teams.map((_, i) => i))
    for (let p = 0; p < pairs && 2 * p + 1 < order.length; p++) {
      const beginMs = dayMs + (pick(random, slotHours) * HOUR_MS)
      if (beginMs < fromMs || beginMs >= toMs) continue
      fixtures.push({ sport: sportIndex, league: leagueIndex, home: order[2 * p] as number, away: order[2 * p + 1] as number, beginMs, durationMs: (minutes + int(random, -15, 25)) * MINUTE_MS })
    }
  }
  for (let day = firstDay; day < toMs; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay() // 0 Sunday
    const week = Math.floor(day / (7 * DAY_MS))
    const half = Math.floor(league.teams.length / 2)
    if (league.rhythm === 'weekend') {
      // A round a week: a Friday and a Monday game, the rest on Saturday and Sunday; some weeks a midweek
      // round too, on a week of the league's own (leagues do not all play midweek at once).
      if (weekday === 5 || weekday === 1) add(day, 1, [19.75, 20])
      if (weekday === 6) add(day, Math.ceil((half - 2) * 0.6), SLOTS.weekend)
      if (weekday === 0) add(day, Math.floor((half - 2) * 0.4), SLOTS.weekend)
      if ((week + leagueIndex) % 3 === 0 && (weekday === 2 || weekday === 3)) add(day, Math.ceil(half / 2), [18.75, 19, 20])
    } else if (league.rhythm === 'daily') {
      add(day, Math.max(1, Math.floor(half * 0.6)), SLOTS.daily)
    } else if (league.rhythm === 'tour') {
      // A tournament most weeks: more matches early in the week, a final on Sunday.
      if (week % 5 !== 4) add(day, weekday === 0 ? 1 : Math.max(1, 6 - ((weekday + 6) % 7)), SLOTS.tour)
    } else if (weekday === 2 || weekday === 3) add(day, Math.floor(half / 2), SLOTS.weekly)
  }
  return fixtures
}

export interface World { sports: Sport[], fixtures: Fixture[] }

/** Enough for any count a sportsbook dataset asks for, and a bound on a window too short to hold fixtures. */
const MAX_LEAGUES_PER_SPORT = 2000

/**
 * Exactly `count` fixtures between two instants, in kick-off order. Each sport gets its share of the count
 * (by weight); within a sport, each league its share by size; a league's calendar is thinned evenly when it
 * holds more than its share, and lower divisions are added when the real leagues hold too few.
 */
export function buildWorld (random: Random, count: number, fromMs: number, toMs: number): World {
  const sports: Sport[] = SPORTS.map((s) => ({ ...s, leagues: [...s.leagues] }))
  const quotas = shares(count, sports.map((s) => s.weight))
  const fixtures: Fixture[] = []
  sports.forEach((sport, s) => {
    const wanted = quotas[s] as number
    const realLeagues = (SPORTS[s] as Sport).leagues.length
    let available: Fixture[] = []
    for (let l = 0; l < MAX_LEAGUES_PER_SPORT; l++) {
      if (l >= realLeagues) {
        if (available.length >= wanted) break
        sport.leagues.push(lowerLeague(random, sport, l - realLeagues))
      }
      available = available.concat(calendar(random, s, l, sport.leagues[l] as League, fromMs, toMs, sport.minutes))
    }
    available.sort((a, b) => a.beginMs - b.beginMs)
    // Thin evenly across time, so the kept fixtures keep the calendar's shape.
    const step = available.length / Math.max(1, wanted)
    for (let i = 0; i < wanted && available.length > 0; i++) fixtures.push(available[Math.floor(i * step)] as Fixture)
  })
  fixtures.sort((a, b) => a.beginMs - b.beginMs || a.sport - b.sport || a.league - b.league)
  return { sports, fixtures }
}

/** `total` split by weights, largest remainders first: integers that add up to `total`. */
export function shares (total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => total * w / sum)
  const floors = exact.map(Math.floor)
  let left = total - floors.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of order) {
    if (left-- <= 0) break
    floors[i] = (floors[i] as number) + 1
  }
  return floors
}
