/**
 * `exec`: run a command in a container's netns the way `ip netns exec` does
 * (same netns, same /etc files), with its stdio handed to the API stream.
 * Like Docker, an exec is created first and started by a second request
 * that upgrades the connection.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { notFound } from '../errors.js'
import type { ContainerService } from './containers.js'

const PENDING_TTL_MS = 60_000

interface PendingExec {
  readonly netns: string
  readonly cmd: readonly string[]
  readonly timer: NodeJS.Timeout
}

/** Exec sessions waiting to be started. */
export class ExecService {
  #pending = new Map<string, PendingExec>()

  constructor(private readonly containers: ContainerService) {}

  /** Registers an exec for the container; returns its id. */
  create(containerRef: string, cmd: readonly string[]): string {
    const c = this.containers.inspect(containerRef)
    const id = randomBytes(32).toString('hex')
    const timer = setTimeout(() => this.#pending.delete(id), PENDING_TTL_MS).unref()
    this.#pending.set(id, { netns: c.netns, cmd, timer })
    return id
  }

  /** Starts a registered exec (once); the caller wires its stdio. */
  start(id: string): ChildProcessWithoutNullStreams {
    const p = this.#pending.get(id)
    if (!p) throw notFound('E_EXEC_NOT_FOUND', `no such exec instance: ${id}`)
    this.#pending.delete(id)
    clearTimeout(p.timer)
    // `sh -c 'exec "$@"'` replaces itself with the command, and a missing
    // command exits 127 as in a shell (and as `berth run` reports it).
    // netns '' = host mode: the daemon's own netns.
    const argv = [...(p.netns === '' ? [] : ['ip', 'netns', 'exec', p.netns]), 'sh', '-c', 'exec "$@"', 'berth-exec', ...p.cmd]
    return spawn(argv[0] ?? 'sh', argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
  }
}
