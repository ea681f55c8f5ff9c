/**
 * berth's state on disk: `state.json` (version, networks, pool cursor) and
 * one `containers/<id>/config.json` per container, each written tmp +
 * rename (+ fsync of file and directory when durable), so a crash leaves the
 * old or the new content of a file, never a torn one. Only the files whose
 * objects changed are written, so an operation costs the same with 1 or
 * 1000 containers.
 *
 * The store keeps the current state in memory; mutations replace it whole
 * (immutable updates: an unchanged container keeps its object identity,
 * which is how changed ones are found) and are written before the caller
 * goes on.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Container, State } from '../model/types.js'
import { BerthError } from '../errors.js'
import { STATE_VERSION, emptyState, parseState, serializeContainer, serializeStateFile } from './schema.js'

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
  if (durable) await syncDir(path.dirname(file))
}

const syncDir = async (dir: string) => {
  const fh = await fs.open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** The state of one daemon. */
export class StateStore {
  #state: State = emptyState()
  /** The last state known to be on disk. */
  #saved: State = this.#state
  #writing: Promise<void> = Promise.resolve()
  /** state.json's content as last written (undefined: not written yet). */
  #topWritten: string | undefined
  readonly file: string
  readonly #containersDir: string

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'state.json')
    this.#containersDir = path.join(dataRoot, 'containers')
  }

  #containerFile(id: string): string {
    return path.join(this.#containersDir, id, 'config.json')
  }

  /** Loads the state (an absent state.json is an empty state). */
  async load(): Promise<State> {
    let raw: Record<string, unknown>
    try {
      raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, unknown>
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      this.#state = this.#saved = emptyState()
      return this.#state
    }
    const inline = Array.isArray(raw.containers) // version 1 kept them in state.json
    const containers = inline ? raw.containers : await this.#readContainers()
    this.#state = this.#saved = parseState({ ...raw, containers }, this.file)
    if (inline || raw.version !== STATE_VERSION) await this.#persist(emptyState(), this.#state, true) // the current layout
    else this.#topWritten = serializeStateFile(this.#state)
    return this.#state
  }

  async #readContainers(): Promise<unknown[]> {
    const ids = await fs.readdir(this.#containersDir).catch(() => [] as string[])
    const docs = await Promise.all(ids.map(id => fs.readFile(this.#containerFile(id), 'utf8').catch(() => undefined)))
    return docs.filter((d): d is string => d !== undefined).map(d => JSON.parse(d) as unknown)
  }

  /** The current state. */
  get state(): State {
    return this.#state
  }

  /**
   * Replaces the state with `update(state)` and persists what changed.
   * Writes are queued so the files always end up holding the latest state.
   * `durable: false` skips the fsyncs (writes are still atomic) for records
   * whose loss a restart repairs anyway; see service/recorded.ts.
   */
  async update(update: (s: State) => State, opts: { durable?: boolean } = {}): Promise<State> {
    if (this.#destroyed) throw new BerthError('Unavailable', 'E_RESET', 'berthd was reset and is stopping; start it again')
    const next = update(this.#state)
    // Swapped synchronously: a check and the record it guards happen in one
    // step, which is what keeps concurrent requests from taking the same
    // name, address or subnet.
    this.#state = next
    // Written against what is on disk when the write runs (an earlier failed
    // write must not make its objects look saved).
    const write = this.#writing.then(async () => {
      await this.#persist(this.#saved, next, opts.durable ?? true)
      this.#saved = next
    })
    this.#writing = write.catch(() => undefined)
    try {
      await write
    } catch (e) {
      // Not persisted: back to what is on disk, unless a later update already
      // built on it (its own write then decides).
      if (this.#state === next) this.#state = this.#saved
      throw e
    }
    return next
  }

  #destroyed = false

  /**
   * Deletes state.json and the container files after the last write
   * (`berth system reset`); any later update is refused. The data root
   * itself goes when it is empty.
   */
  async destroy(): Promise<void> {
    this.#destroyed = true
    await this.#writing
    await fs.rm(this.#containersDir, { recursive: true, force: true })
    await fs.rm(this.file, { force: true })
    await fs.rmdir(path.dirname(this.file)).catch(() => undefined)
  }

  /** Writes the files of what differs between `prev` and `next`. */
  async #persist(prev: State, next: State, durable: boolean): Promise<void> {
    const before = new Map<string, Container>(prev.containers.map(c => [c.id, c]))
    const writes: Promise<void>[] = []
    for (const c of next.containers) {
      if (before.get(c.id) === c) continue
      writes.push(
        fs.mkdir(path.dirname(this.#containerFile(c.id)), { recursive: true, mode: 0o700 })
          .then(() => writeFileAtomic(this.#containerFile(c.id), serializeContainer(c), durable)),
      )
    }
    const kept = new Set(next.containers.map(c => c.id))
    for (const id of before.keys()) if (!kept.has(id)) writes.push(fs.rm(this.#containerFile(id), { force: true }))
    await Promise.all(writes)
    // state.json last: a crash in between leaves container files it may not
    // know yet (harmless), never a state.json whose containers are missing.
    const top = serializeStateFile(next)
    if (top !== this.#topWritten) {
      await writeFileAtomic(this.file, top, durable)
      this.#topWritten = top
    }
    if (durable) await syncDir(this.#containersDir).catch(() => undefined)
  }
}
