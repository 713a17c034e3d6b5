// What GET /dashboard/overview answers, as TypeBox schemas: the route's response (and OpenAPI), the types
// the overview is built with, and the types the page reads it with.
import { Type, type Static } from 'typebox'

const Count = Type.Integer({ minimum: 0 })

/** The consumer's GET /status, as its contract defines it; the dashboard passes it on to the page. */
export const ConsumerStatusBody = Type.Object({
  service: Type.String(),
  entities: Type.Array(Type.String()),
  records: Type.Record(Type.String(), Type.Object({ consumed: Count, stored: Count, retried: Count, dead_lettered: Count }), {
    description: 'Records of each topic this instance consumed, stored, sent to retry and dead-lettered since it started.'
  }),
  lag: Type.Array(Type.Object({
    topic: Type.String(),
    group: Type.String(),
    partition: Type.Integer(),
    committed: Type.Union([Type.Integer(), Type.Null()], { description: "The group's committed offset; null before its first commit." }),
    end: Type.Integer(),
    lag: Type.Union([Type.Integer(), Type.Null()])
  })),
  lag_refreshed_at: Type.Union([Type.String(), Type.Null()]),
  dead_letters: Type.Object({
    totals: Type.Record(Type.String(), Count, { description: 'Records in each dead-letter topic.' }),
    latest: Type.Array(Type.Object({ topic: Type.String(), code: Type.String(), reason: Type.String(), at: Type.String() }))
  })
})

const Status = Type.Union([Type.Literal('up'), Type.Literal('down')])
const Detail = Type.Optional(Type.String({ description: 'Why the service is down (or what could not be read from it).' }))

export const DashboardOverview = Type.Object({
  counts: Type.Object({ users: Count, events: Count, coupons: Count }, { description: 'Records stored now.' }),
  top_sports: Type.Array(Type.Object({ sport: Type.String(), bets: Count }), { description: 'Sports by selections on their events, most first (at most 10).' }),
  top_leagues: Type.Array(Type.Object({ sport: Type.String(), country: Type.String(), league: Type.String(), bets: Count }), {
    description: 'Leagues by selections on their events, most first (at most 10).'
  }),
  recommendation_latency: Type.Array(Type.Object({
    algorithm: Type.String(),
    path: Type.String(),
    count: Count,
    p50_ms: Type.Number(),
    p95_ms: Type.Number()
  }), { description: "Recommendation answers of this API instance since it started, from the recommendation_duration_seconds histogram's buckets." }),
  services: Type.Object({
    api: Type.Object({ status: Type.Literal('up') }),
    gateway: Type.Object({ url: Type.String(), status: Status, detail: Detail }),
    consumers: Type.Array(Type.Object({
      url: Type.String(),
      status: Status,
      detail: Detail,
      status_body: Type.Optional(ConsumerStatusBody)
    }), { description: 'One per CONSUMER_URLS entry.' })
  }, { description: "Each service's GET /ready (and the consumers' GET /status), asked when the overview is." }),
  broker: Type.Union([ConsumerStatusBody, Type.Null()], {
    description: "The API's own reading of the consumer groups' lag and the dead-letter topics from the broker (every 5 s, " +
      'in the shape of a consumer\'s status), so the lag of stopped consumers shows even when none answers; null until first read.'
  })
})

export type ConsumerStatusBody = Static<typeof ConsumerStatusBody>
export type DashboardOverview = Static<typeof DashboardOverview>
export type ServiceState = DashboardOverview['services']['gateway']
export type ConsumerState = DashboardOverview['services']['consumers'][number]
export type LatencyRow = DashboardOverview['recommendation_latency'][number]
