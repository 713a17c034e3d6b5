// Country and currency code checks, backed by maintained data rather than hand-written lists.
import countries from 'i18n-iso-countries'

// The seed's data uses UK, which ISO 3166 reserves for the United Kingdom (its official code is GB).
const EXCEPTIONALLY_RESERVED = new Set(['UK'])
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

/** ISO 3166-1 alpha-2 or alpha-3, case-insensitive. */
export function isCountryCode (code: string): boolean {
  const upper = code.toUpperCase()
  return EXCEPTIONALLY_RESERVED.has(upper) || countries.isValid(upper)
}

/** ISO 4217, case-insensitive (the list is the one the runtime's ICU data carries). */
export function isCurrencyCode (code: string): boolean {
  return CURRENCIES.has(code.toUpperCase())
}
