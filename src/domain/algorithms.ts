// The recommendation algorithms a client can ask for by name (`?algorithm=`, RECOMMENDER_ALGORITHM).
// The default is the one that won the offline evaluation (docs/evaluation.md).

export const ALGORITHM_NAMES = ['frequency', 'affinity', 'trending', 'co-bet', 'hybrid'] as const
export type AlgorithmName = typeof ALGORITHM_NAMES[number]

export const DEFAULT_ALGORITHM: AlgorithmName = 'affinity'

export function isAlgorithmName (name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name)
}
