// Every error class of the platform carries a stable code from the one registry in domain/errors.ts, and says
// whether trying again later can help, so callers branch on codes rather than on message text.
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/config/config.ts'
import { ApiUnavailableError } from '../../../src/consumer/delivery.ts'
import { CodedError, ConflictError, ErrorCodes, HttpErrorCodes, ProcessErrorCodes, ValidationError, eventsMissing, userNotFound } from '../../../src/domain/errors.ts'
import { KafkaOutcomeUnknownError, KafkaUnavailableError } from '../../../src/gateway/producer.ts'
import { DeadLetterNotFoundError } from '../../../src/kafka/dead-letters/find.ts'
import { DeadLetterReadError } from '../../../src/kafka/dead-letters/read.ts'
import { DatasetFormatError } from '../../../src/tools/upload/scanner.ts'

describe('error codes', () => {
  it('are unique across HTTP answers and process failures', () => {
    const codes = [...Object.values(HttpErrorCodes), ...Object.values(ProcessErrorCodes)]
    expect(new Set(codes).size).toBe(codes.length)
    expect(Object.values(ErrorCodes).sort()).toEqual([...codes].sort())
  })

  it.each([
    ['ConfigError', new ConfigError('PORT must be an integer'), ErrorCodes.configInvalid, false],
    ['ApiUnavailableError', new ApiUnavailableError('API unreachable'), ErrorCodes.apiUnavailable, true],
    ['KafkaUnavailableError', new KafkaUnavailableError('Kafka is unreachable'), ErrorCodes.kafkaUnavailable, true],
    ['KafkaOutcomeUnknownError', new KafkaOutcomeUnknownError('no answer'), ErrorCodes.kafkaOutcomeUnknown, true],
    ['DatasetFormatError', new DatasetFormatError('not a dataset'), ErrorCodes.datasetFormat, false],
    ['DeadLetterNotFoundError', new DeadLetterNotFoundError('no record'), ErrorCodes.deadLetterNotFound, false],
    ['DeadLetterReadError', new DeadLetterReadError('broker away'), ErrorCodes.deadLetterRead, true],
    ['ValidationError', new ValidationError([{ field: 'body.id', message: 'must be an integer' }]), ErrorCodes.invalid, false],
    ['ConflictError', new ConflictError('User', 3, ['gender']), ErrorCodes.conflict, false],
    ['userNotFound', userNotFound(), ErrorCodes.userNotFound, true],
    ['eventsMissing', eventsMissing(), ErrorCodes.eventsMissing, true]
  ] as const)('%s carries its code and retry verdict', (_name, error, code, retryable) => {
    expect(error).toBeInstanceOf(CodedError)
    expect(error.code).toBe(code)
    expect(error.retryable).toBe(retryable)
    expect(error.message.length).toBeGreaterThan(0)
  })
})
