/**
 * One versioned JSON document under the data root, written tmp + fsync +
 * rename (+ fsync of the directory), so a crash leaves either the old or the
 * new document, never a torn one.
 *
 * The store keeps the current state in memory; mutations replace it whole
 * (immutable updates) and are written before the caller goes on.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { State } from '../model/types.js'
import { emptyState, parseState, serializeState } from './schema.js'

/**
 * Writes a file atomically (tmp + rename): a crash leaves the old or the new
 * content. With `durable`, it is also on disk when this resolves (fsync of
 * the file and of its directory).
 */
export const writeFileAtomic = async (file: string, data: string, durable = true, mode = 0o600): Promise<void> => {
  const tmp = `${file}.tmp-${process.pid}`
  const fh = await fs.open(tmp, 'w', mode)
  try {
    await fh.writeFile(data)
    if (durable) await fh.sync()
  } finally {
    await fh.close()
  }
  await fs.rename(tmp, file)
  if (!durable) return
  const dir = await fs.open(path.dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/** The state document of one daemon. */
export class StateStore {
  #state: State = emptyState()
  /** The last state known to be on disk. */
  #saved: State = this.#state
  #writing: Promise<void> = Promise.resolve()
  readonly file: string

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'state.json')
  }

  /** Loads the document (an absent file is an empty state). */
  async load(): Promise<State> {
    try {
      this.#state = parseState(JSON.parse(await fs.readFile(this.file, 'utf8')), this.file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      this.#state = emptyState()
    }
    this.#saved = this.#state
    return this.#state
  }

  /** The current state. */
  get state(): State {
    return this.#state
  }

  /**
   * Replaces the state with `update(state)` and persists it. Writes are
   * queued so the file always ends up holding the latest state. `durable:
   * false` skips the fsyncs (the write is still atomic) for records whose
   * loss a restart repairs anyway; see service/recorded.ts.
   */
  async update(update: (s: State) => State, opts: { durable?: boolean } = {}): Promise<State> {
    const next = update(this.#state)
    // Swapped synchronously: a check and the record it guards happen in one
    // step, which is what keeps concurrent requests from taking the same
    // name, address or subnet.
    this.#state = next
    const write = this.#writing.then(() => writeFileAtomic(this.file, serializeState(next), opts.durable ?? true))
    this.#writing = write.catch(() => undefined)
    try {
      await write
    } catch (e) {
      // Not persisted: back to what is on disk, unless a later update already
      // built on it (its own write then decides).
      if (this.#state === next) this.#state = this.#saved
      throw e
    }
    this.#saved = next
    return next
  }
}
