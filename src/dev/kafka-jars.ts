// The Apache Kafka jars the local broker runs from: the version kafka/pom.xml pins, fetched once with Maven into a cache.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LocalBrokerError, requireTool, run, tail, writeProgress } from './toolchain.ts'

/** Resolved from this module, not the working directory, so the CLI works from any folder. */
const POM_PATH = fileURLToPath(new URL('../../kafka/pom.xml', import.meta.url))

export interface KafkaJars {
  version: string
  libsDir: string
}

/** The Kafka version the pom pins (its `kafka.version` property). */
export function kafkaVersion (): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM_PATH, 'utf8'))
  if (match === null) throw new Error(`${POM_PATH} has no <kafka.version> property`)
  return match[1]
}

/**
 * Makes sure the broker's jars are in the cache (<cacheDir>/<kafka version>/libs), fetching them with Maven
 * when they are not. A marker written after a successful fetch records the pom's hash and the jar names: a
 * fetch that was interrupted, a deleted jar or an edited pom all lead to a fresh fetch instead of a broken classpath.
 */
export async function fetchKafka (cacheDir: string, onProgress: (message: string) => void = writeProgress): Promise<KafkaJars> {
  const version = kafkaVersion()
  const versionDir = join(resolve(cacheDir), version)
  const libsDir = join(versionDir, 'libs')
  const markerPath = join(versionDir, 'fetched.json')
  const pomHash = createHash('sha256').update(readFileSync(POM_PATH)).digest('hex')
  if (isFetchComplete(markerPath, libsDir, pomHash)) return { version, libsDir }

  requireTool('mvn', ['-v'], 'Apache Maven')
  onProgress(`fetching Apache Kafka ${version} with Maven (first run only) into ${versionDir}...`)
  const started = Date.now()
  // Fetch into a staging folder and swap it in, so jars of an older pom never mix with the new ones.
  const staging = `${libsDir}.partial-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(versionDir, { recursive: true })
  const result = await run('mvn', ['-B', '-q', '-f', POM_PATH, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`])
  if (result.code !== 0) {
    rmSync(staging, { recursive: true, force: true })
    throw new LocalBrokerError(`Maven could not fetch Apache Kafka ${version} (exit code ${String(result.code)}); its output ends with: ${tail(result.output)}`)
  }
  rmSync(libsDir, { recursive: true, force: true })
  renameSync(staging, libsDir)
  const jars = listJars(libsDir)
  writeFileSync(markerPath, JSON.stringify({ version, pomHash, jars }, null, 2))
  onProgress(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return { version, libsDir }
}

function isFetchComplete (markerPath: string, libsDir: string, pomHash: string): boolean {
  if (!existsSync(markerPath)) return false
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { pomHash?: string, jars?: string[] }
    return marker.pomHash === pomHash && Array.isArray(marker.jars) && marker.jars.length > 0 &&
      marker.jars.every((jar) => existsSync(join(libsDir, jar)))
  } catch {
    return false
  }
}

function listJars (libsDir: string): string[] {
  return readdirSync(libsDir).filter((name) => name.endsWith('.jar'))
}
