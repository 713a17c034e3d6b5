// Parsers of option values shared by the sub-commands: a bad value is refused by commander with the
// option's name and this sentence, and exit code 1, before anything runs.
import { InvalidArgumentError } from 'commander'

export function integer (min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text)
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`)
    }
    return value
  }
}

/** Nodes of a local Kafka cluster: odd, so that the controller quorum keeps a majority when one is lost. */
export function brokerCount (text: string): number {
  const value = integer(1, 7)(text)
  if (value % 2 === 0) throw new InvalidArgumentError('expected an odd number of nodes (1, 3, 5 or 7), so the controller quorum keeps a majority.')
  return value
}
