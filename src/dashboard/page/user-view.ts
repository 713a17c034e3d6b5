// One user as the lookup shows them: profile, responsible-gambling state, last coupons, and each
// algorithm's current recommendation with the reason the API gives for every event.
import type { CouponResponse, GuardrailsWithHistoryResponse, RecommendationResponse, UserResponse } from '../../domain/schemas.ts'
import { el, table, type Child } from './dom.ts'
import { formatCount, formatInstant } from './format.ts'

/** Coupons listed, newest first (the API answers them in that order). */
const LAST_COUPONS = 5

/** Each part of the lookup arrives on its own; a part that failed shows why instead of its content. */
export type Part<T> = { ok: true, value: T } | { ok: false, problem: string }

export interface AlgorithmAnswer { name: string, isDefault: boolean, answer: Part<RecommendationResponse> }

function facts (pairs: ReadonlyArray<[string, Child]>): HTMLElement {
  return el('dl', { class: 'facts' }, ...pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]))
}

function part<T> (title: string, value: Part<T>, render: (v: T) => Child): HTMLElement {
  return el('section', {}, el('h3', {}, title), value.ok ? render(value.value) : el('p', { class: 'problem' }, value.problem))
}

const yesNo = (flag: boolean): string => flag ? 'yes' : 'no'

function profile (user: UserResponse): HTMLElement {
  return facts([['id', String(user.id)], ['country', user.country], ['currency', user.currency], ['gender', user.gender],
    ['born', String(user.birth_year)], ['registered', formatInstant(user.registration_date)]])
}

function responsibleGambling (state: GuardrailsWithHistoryResponse): HTMLElement {
  const exclusion = state.self_excluded
    ? `yes, until ${state.self_excluded_until === null ? '—' : formatInstant(state.self_excluded_until)}`
    : 'no'
  return facts([['self-excluded', exclusion], ['marketing opt-out', yesNo(state.marketing_opt_out)],
    ['last change', state.updated_at === null ? 'never' : formatInstant(state.updated_at)], ['changes', formatCount(state.history.length)]])
}

function coupons (list: readonly CouponResponse[]): HTMLElement {
  return table([{ title: 'placed' }, { title: 'stake', numeric: true }, { title: 'selections', numeric: true }],
    list.slice(0, LAST_COUPONS).map((c) => [formatInstant(c.timestamp), String(c.stake), c.selections.length]),
    'No coupons.')
}

function recommendation (answer: RecommendationResponse): Child[] {
  const how = answer.withheld === 'self_excluded'
    ? 'withheld: the user is self-excluded'
    : answer.personalised ? 'personalised' : 'not personalised'
  const events = answer.events.length === 0
    ? el('p', { class: 'empty' }, answer.withheld === null ? 'No events to recommend.' : 'No events shown.')
    : el('ol', {}, ...answer.events.map((e) => el('li', { 'data-event': String(e.id) },
      el('strong', {}, e.participants.join(' v ')), ' ',
      el('span', { class: 'muted' }, `${e.sport} · ${e.league} · ${formatInstant(e.begin_timestamp)}`),
      el('div', { class: 'why' }, e.reason.text))))
  return [el('p', { class: 'muted' }, how), events]
}

function algorithms (list: readonly AlgorithmAnswer[]): HTMLElement {
  return el('div', { class: 'algorithms' }, ...list.map((a) => el('div', { class: 'algorithm', 'data-algorithm': a.name },
    el('strong', {}, a.name), a.isDefault && el('span', { class: 'muted' }, ' (default)'),
    ...(a.answer.ok ? recommendation(a.answer.value) : [el('p', { class: 'problem' }, a.answer.problem)]))))
}

export interface UserParts {
  user: UserResponse
  guardrails: Part<GuardrailsWithHistoryResponse>
  coupons: Part<CouponResponse[]>
  recommendations: Part<AlgorithmAnswer[]>
}

export function userView (parts: UserParts, at: Date): HTMLElement {
  return el('div', { 'data-user': String(parts.user.id) },
    el('p', { class: 'muted' }, `User ${parts.user.id} as of ${at.toLocaleTimeString('en-GB')}.`),
    el('div', { class: 'lookup-grid' },
      part('Profile', { ok: true, value: parts.user }, profile),
      part('Responsible gambling', parts.guardrails, responsibleGambling),
      part(`Last coupons (up to ${LAST_COUPONS})`, parts.coupons, coupons)),
    part('Current recommendations', parts.recommendations, algorithms))
}
