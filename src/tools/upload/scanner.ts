// The byte scanner under the dataset reader: finds the elements of the top-level object's arrays, so a file of
// any size streams through in constant memory. Elements are kept as the file's own JSON text and posted unchanged.
import { CodedError, ErrorCodes } from '../../domain/errors.ts'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** The file does not have a dataset's structure: the user's to fix, so the CLI prints it without a stack trace. */
export class DatasetFormatError extends CodedError {
  override name = 'DatasetFormatError'
  constructor (message: string) {
    super(ErrorCodes.datasetFormat, message)
  }
}

/** Called per element found: the array's key, and the element's JSON text (empty when not capturing). */
export type Emit = (key: string, text: string) => void

/**
 * Tracks nesting and strings over a JSON byte stream, one chunk at a time, and reports each element of the
 * arrays under the wanted top-level keys. It checks the structure it relies on (a top-level object, arrays
 * under the wanted keys); the elements' own syntax is the server's to judge (400 for malformed JSON).
 * Multi-byte UTF-8 never needs care: every byte of such a character is >= 0x80, unlike the structural ones.
 */
export class ArrayElementScanner {
  readonly found = new Set<string>()
  /** Every wanted array has been read to its end; what follows cannot matter to a reader of records. */
  finished = false
  private depth = 0
  private started = false
  private inString = false
  private escaped = false
  /** Text of the string being read at depth 1 (a key, or a value that is ignored). */
  private keyParts: Buffer[] | undefined
  private lastString = ''
  /** Set after `"key":` until its value starts. */
  private pendingKey: string | undefined
  /** The wanted key whose array is being read. */
  private arrayKey: string | undefined
  private inElement = false
  private elementParts: Buffer[] = []

  constructor (private readonly wanted: ReadonlySet<string>, private readonly capture: boolean) {}

  push (chunk: Buffer, emit: Emit): void {
    // The hot state lives in locals for the loop's sake and is saved back at the end.
    let depth = this.depth
    let inString = this.inString
    let escaped = this.escaped
    let start = this.inElement ? 0 : -1
    let keyStart = this.keyParts !== undefined ? 0 : -1
    const n = chunk.length
    for (let i = 0; i < n; i++) {
      const c = chunk[i] as number
      if (inString) {
        if (escaped) {
          escaped = false
        } else if (c === BACKSLASH) {
          escaped = true
        } else if (c === QUOTE) {
          inString = false
          if (this.keyParts !== undefined) {
            this.keyParts.push(chunk.subarray(keyStart, i))
            this.lastString = JSON.parse(`"${Buffer.concat(this.keyParts).toString('utf8')}"`) as string
            this.keyParts = undefined
          }
        }
      } else if (depth > 2) {
        // Inside an element (or a skipped value): only nesting and strings matter here.
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
      } else if (isSpace(c)) {
        continue
      } else if (depth === 0) {
        if (this.started) throw new DatasetFormatError('unexpected content after the top-level object')
        if (c !== OPEN_OBJECT) throw new DatasetFormatError('expected a JSON object {"users": [...], "events": [...], "coupons": [...]}')
        this.started = true
        depth = 1
      } else if (depth === 1) {
        const key = this.pendingKey
        this.pendingKey = undefined
        if (key === undefined) {
          // Between members: a key, the colon after it, a comma, or the object's end.
          if (c === QUOTE) {
            inString = true
            this.keyParts = []
            keyStart = i + 1
          } else if (c === COLON) {
            this.pendingKey = this.lastString
          } else if (c === CLOSE_OBJECT) {
            depth = 0
          }
        } else if (this.wanted.has(key)) {
          if (c !== OPEN_ARRAY) throw new DatasetFormatError(`"${key}" must be an array of records`)
          this.found.add(key)
          this.arrayKey = key
          depth = 2
        } else if (c === QUOTE) {
          inString = true
        } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          depth++
        }
      } else if (this.arrayKey !== undefined) {
        // At the level of a wanted array's elements: commas and the closing bracket end an element.
        if (c === COMMA || c === CLOSE_ARRAY) {
          if (this.inElement) {
            if (this.capture) {
              this.elementParts.push(chunk.subarray(start, i))
              emit(this.arrayKey, Buffer.concat(this.elementParts).toString('utf8').trim())
              this.elementParts = []
            } else {
              emit(this.arrayKey, '')
            }
            this.inElement = false
          } else if (c === COMMA) {
            throw new DatasetFormatError(`an empty element in "${this.arrayKey}"`)
          }
          if (c === CLOSE_ARRAY) {
            this.arrayKey = undefined
            depth = 1
            this.finished = this.found.size === this.wanted.size
          }
          continue
        }
        if (!this.inElement) {
          this.inElement = true
          start = i
        }
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
      } else {
        // Depth 2 of a value that is not wanted.
        if (c === QUOTE) inString = true
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
      }
    }
    this.depth = depth
    this.inString = inString
    this.escaped = escaped
    // What is still open continues in the next chunk.
    if (this.inElement && this.capture) this.elementParts.push(chunk.subarray(start))
    if (this.keyParts !== undefined) this.keyParts.push(chunk.subarray(keyStart))
  }

  end (): void {
    if (!this.started) throw new DatasetFormatError('the file is empty')
    if (this.depth !== 0 || this.inString) throw new DatasetFormatError('the file ends before its top-level object does')
  }
}
