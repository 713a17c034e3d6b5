// The Kafka broker of this test run (a throw-away local one, or BOOTSTRAP_SERVER), as given by test/global-setup.ts.
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers, comma-separated, as BOOTSTRAP_SERVER takes them. */
    kafkaBootstrap: string
  }
}

/** The bootstrap address for Kafka clients and for BOOTSTRAP_SERVER of spawned services. */
export function kafkaBootstrap (): string {
  return inject('kafkaBootstrap')
}
