// Telling the broker's error codes apart in what the Kafka client throws: the client wraps them (a
// ResponseError inside a MultipleErrors after its retries), so callers look through every layer.

/** Whether the client's error, or any error it aggregates, is the broker's error `apiId` (e.g. NOT_COORDINATOR). */
export function carriesKafkaError (error: unknown, apiId: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  if ((error as { apiId?: unknown }).apiId === apiId) return true
  const nested = (error as { errors?: unknown }).errors
  return Array.isArray(nested) && nested.some((inner) => carriesKafkaError(inner, apiId))
}
