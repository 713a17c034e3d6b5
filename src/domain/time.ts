// Timestamps travel as ISO-8601 text and are held as integer microseconds since the epoch (UTC),
// so the seed's microsecond timestamps survive a round trip and compare as instants.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

/** Epoch microseconds of an ISO-8601 timestamp; a timestamp without a zone is UTC. undefined when invalid. */
export function parseTimestamp (text: string): number | undefined {
  const m = ISO.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const year = Number(y); const month = Number(mo); const day = Number(d)
  const hour = Number(h); const minute = Number(mi); const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2)); const om = Number(digits.slice(2) || '0')
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = sign * (oh * 60 + om)
  }
  const ms = utcMillis(year, month, day, hour, minute, second)
  const micros = Number((frac + '000000').slice(0, 6))
  const result = (ms - offsetMinutes * 60_000) * 1000 + micros
  return Number.isSafeInteger(result) ? result : undefined
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysInMonth (year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1] as number
}

/** Like Date.UTC, without its quirk of reading years 0-99 as 1900-1999. */
function utcMillis (year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

/** ISO-8601 in UTC with microseconds, e.g. 2024-02-03T20:48:20.438447Z. */
export function formatTimestamp (micros: number): string {
  const ms = Math.floor(micros / 1000)
  const rest = micros - ms * 1000
  const base = new Date(ms).toISOString() // 2024-02-03T20:48:20.438Z
  return `${base.slice(0, 23)}${String(rest).padStart(3, '0')}Z`
}

export function nowMicros (): number {
  return Date.now() * 1000
}
