// The API key the page sends when the API protects its reads: asked for once, kept for this browser tab
// only (sessionStorage), so closing the tab forgets it.

const KEY_ITEM = 'betting-dashboard.api-key'

export function storedKey (): string | undefined {
  return sessionStorage.getItem(KEY_ITEM) ?? undefined
}

export function storeKey (key: string): void {
  sessionStorage.setItem(KEY_ITEM, key)
}

export function forgetKey (): void {
  sessionStorage.removeItem(KEY_ITEM)
}
