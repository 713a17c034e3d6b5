// The broker's error codes found in what the Kafka client throws, built with the client's own error classes
// in the shape its consumer gives up with: a MultipleErrors of retries, each a ResponseError of ProtocolErrors.
import { MultipleErrors, NetworkError, ResponseError } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { carriesKafkaError } from '../../../src/kafka/errors.ts'

// OffsetCommit is API key 8; error code 16 is NOT_COORDINATOR, 27 REBALANCE_IN_PROGRESS.
const commitFailure = (errorCode: number) => new MultipleErrors('commit failed 6 times.',
  Array.from({ length: 6 }, () => new ResponseError(8, 9, { '/topics/0/partitions/0': [errorCode, null] }, {})))

describe('carriesKafkaError', () => {
  it('finds NOT_COORDINATOR inside a commit the client retried and gave up on', () => {
    expect(carriesKafkaError(commitFailure(16), 'NOT_COORDINATOR')).toBe(true)
  })

  it('does not mistake another broker error or a network failure for it', () => {
    expect(carriesKafkaError(commitFailure(27), 'NOT_COORDINATOR')).toBe(false)
    expect(carriesKafkaError(new MultipleErrors('commit failed 6 times.', [new NetworkError('Connection closed')]), 'NOT_COORDINATOR')).toBe(false)
    expect(carriesKafkaError(new Error('NOT_COORDINATOR'), 'NOT_COORDINATOR')).toBe(false)
    expect(carriesKafkaError(undefined, 'NOT_COORDINATOR')).toBe(false)
  })
})
