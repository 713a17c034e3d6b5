// The seed's file format, as far as generated records need it: its timestamps.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** The seed's zone-less UTC form with microseconds: `2024-02-03 20:48:20.438447`. */
export function seedTimestamp (ms: number, micros = 0): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds() * 1000 + micros, 6)}`
}
