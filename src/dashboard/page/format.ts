// How numbers and instants read on the page.

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 })
const milliseconds = new Intl.NumberFormat('en', { maximumFractionDigits: 2 })

export const formatCount = (n: number): string => integer.format(n)

export const formatRate = (perSecond: number): string => `${decimal.format(perSecond)}/s`

/** Milliseconds without the unit: the card's title names it. */
export const formatMs = (ms: number): string => milliseconds.format(ms)

/** An ISO-8601 instant in the viewer's time zone, to the second. */
export function formatInstant (iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' })
}

export const formatClock = (date: Date): string => date.toLocaleTimeString('en-GB')
