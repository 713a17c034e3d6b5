// The part of autocannon's programmatic API the load worker uses (the package ships no types).
declare module 'autocannon' {
  export interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: Request) => Request
  }
  export interface Options {
    url: string
    connections?: number
    pipelining?: number
    duration?: number
    amount?: number
    overallRate?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: Request[]
  }
  export interface Histogram { average: number, p50: number, p90: number, p99: number, max: number }
  export interface Result {
    latency: Histogram
    requests: Histogram & { total: number }
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }
  function autocannon (options: Options): Promise<Result>
  export default autocannon
}
