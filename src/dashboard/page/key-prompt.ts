// The key field, shown when the API answers 401: the key typed in is kept for the tab and sent from then
// on; a key the API refuses is forgotten, so the field comes back instead of failing on every poll.
import { forgetKey, storedKey, storeKey } from './api-key.ts'
import { byId } from './dom.ts'

export interface KeyPrompt {
  /** Shows the field with why it is needed. */
  ask (detail: string): void
  hide (): void
}

export function createKeyPrompt (onKey: () => void): KeyPrompt {
  const form = byId<HTMLFormElement>('key-form')
  const input = byId<HTMLInputElement>('key-input')
  const message = byId('key-message')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const key = input.value.trim()
    if (key === '') return
    storeKey(key)
    input.value = ''
    form.hidden = true
    onKey()
  })
  return {
    ask (detail) {
      if (storedKey() !== undefined) {
        forgetKey()
        message.textContent = `The key was refused: ${detail}`
      } else if (form.hidden) {
        message.textContent = detail
      }
      form.hidden = false
    },
    hide () {
      form.hidden = true
    }
  }
}
