// Operator tools over the dead-letter topics: read them up to their current end (read.ts), group the
// records by reason (group.ts), find one record (find.ts), and replay chosen records to the topic they came
// from, each once (replay.ts), keeping a ledger of what was replayed (ledger.ts). Topic names: names.ts.
export { DeadLetterNotFoundError, findDeadLetter } from './find.ts'
export { listDeadLetters, type ListedRecord, type Listing } from './group.ts'
export { ledgerTopicOf } from './ledger.ts'
export { allDeadLetterTopics, deadLetterTopicOf, isDeadLetterTopicName } from './names.ts'
export { DeadLetterReadError, readDeadLetters, type DeadLetter, type Position } from './read.ts'
export { REPLAYED_FROM_HEADER, replayDeadLetters, type ReplaySummary } from './replay.ts'
