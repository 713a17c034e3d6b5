// Ids the server assigns when a client sends none: time-ordered, unique across instances, safe integers.
//
// Layout (53 bits, so every id is a JavaScript safe integer and a PostgreSQL bigint):
//   41 bits  milliseconds since 2024-01-01T00:00:00Z (lasts until 2093)
//    7 bits  instance number (INSTANCE_ID, 0-127; random when unset)
//    5 bits  sequence within the millisecond (32 ids per ms per instance)
// When the sequence runs out inside one millisecond the generator borrows the next millisecond, so ids
// stay unique and increasing even above 32,000 ids/s. Two instances collide only if they share an
// INSTANCE_ID, which is why each API and gateway instance should be given its own.
const EPOCH_MS = Date.UTC(2024, 0, 1)
const INSTANCE_BITS = 7
const SEQUENCE_BITS = 5
const SEQUENCE_SIZE = 2 ** SEQUENCE_BITS
const INSTANCE_SIZE = 2 ** INSTANCE_BITS

export type IdGenerator = () => number

export function createIdGenerator (instanceId: number, clock: () => number = Date.now): IdGenerator {
  const instance = instanceId >= 0 ? instanceId : Math.floor(Math.random() * INSTANCE_SIZE)
  if (!Number.isInteger(instance) || instance >= INSTANCE_SIZE) {
    throw new RangeError(`instance id must be an integer from 0 to ${INSTANCE_SIZE - 1}`)
  }
  let lastMs = -1
  let sequence = 0
  return () => {
    const ms = clock() - EPOCH_MS
    if (ms > lastMs) {
      lastMs = ms
      sequence = 0
    } else if (++sequence >= SEQUENCE_SIZE) {
      lastMs += 1
      sequence = 0
    }
    return (lastMs * INSTANCE_SIZE + instance) * SEQUENCE_SIZE + sequence
  }
}
