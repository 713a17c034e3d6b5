// The user lookup: reads one user from the API's public endpoints (the same answers a client gets) and
// shows them. The parts after the profile are fetched in parallel and each may fail on its own; a newer
// lookup replaces an older one still in flight.
import type { Static } from 'typebox'
import type { AlgorithmList, CouponResponse, GuardrailsWithHistoryResponse, RecommendationResponse, UserResponse } from '../../domain/schemas.ts'
import { getJson } from './api.ts'
import { byId, el, fill } from './dom.ts'
import { userView, type AlgorithmAnswer, type Part } from './user-view.ts'

type Algorithms = Static<typeof AlgorithmList>

const USER_ID = /^[0-9]{1,16}$/

async function settle<T> (promise: Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) }
  }
}

async function recommendations (userId: string, algorithms: Algorithms): Promise<AlgorithmAnswer[]> {
  return Promise.all(algorithms.map(async (a) => ({
    name: a.name,
    isDefault: a.default,
    answer: await settle(getJson<RecommendationResponse[]>(`/recommendation/${userId}?algorithm=${encodeURIComponent(a.name)}`).then((list) => {
      const [first] = list
      if (first === undefined) throw new Error('the API answered no recommendation')
      return first
    }))
  })))
}

export function setUpLookup (): void {
  const form = byId<HTMLFormElement>('lookup-form')
  const input = byId<HTMLInputElement>('lookup-id')
  const output = byId('lookup')
  let latest = 0

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const userId = input.value.trim()
    if (!USER_ID.test(userId)) return fill(output, el('p', { class: 'problem' }, 'A user id is a whole number.'))
    const lookup = ++latest
    fill(output, el('p', { class: 'muted' }, `Looking up user ${userId}…`))
    lookUp(userId).then((view) => {
      if (lookup === latest) fill(output, view)
    })
  })
}

async function lookUp (userId: string): Promise<HTMLElement> {
  // The user first: for an unknown id the other reads would only be refused the same way.
  const user = await settle(getJson<UserResponse>(`/users/${userId}`))
  if (!user.ok) return el('p', { class: 'problem' }, `User ${userId}: ${user.problem}`)
  const [guardrails, coupons, recommended] = await Promise.all([
    settle(getJson<GuardrailsWithHistoryResponse>(`/users/${userId}/responsible-gambling`)),
    settle(getJson<CouponResponse[]>(`/coupons/user/${userId}`)),
    settle(getJson<Algorithms>('/recommendation/algorithms').then((list) => recommendations(userId, list)))
  ])
  return userView({ user: user.value, guardrails, coupons, recommendations: recommended }, new Date())
}
