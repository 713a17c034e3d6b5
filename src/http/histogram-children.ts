// A histogram's labelled children kept by their label values. prom-client's `observe(labels, value)`
// hashes the labels object on every observation; on hot paths (every request, every repository call)
// looking the child up by a joined key instead is measurably cheaper.
import type { Histogram } from 'prom-client'

export function histogramChildren<T extends string> (histogram: Histogram<T>): (...values: string[]) => Histogram.Internal<T> {
  const children = new Map<string, Histogram.Internal<T>>()
  return (...values) => {
    const key = values.join('\u0000')
    let child = children.get(key)
    if (child === undefined) {
      child = histogram.labels(...values)
      children.set(key, child)
    }
    return child
  }
}
