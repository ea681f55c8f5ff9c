/**
 * Supervision of the processes berth runs in container netns.
 *
 * A process is started as `ip netns exec <netns> sh -c <shim> …`, so it gets
 * the netns and the /etc/netns/<netns>/ files mounted over /etc exactly as
 * `ip netns exec` users see them. It runs in its own session (so `rm -f`
 * can kill its whole group), writes stdout+stderr to the container's log
 * file, and the shim records the exit code in a file: a process outlives a
 * daemon restart and its status is still known afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Logger } from 'pino'

/** Runs the command, then writes its exit status next to the log. */
const SHIM = 'exitfile=$1; shift; "$@"; rc=$?; echo "$rc" > "$exitfile"; exit "$rc"'
const POLL_MS = 500

/** Identity of a running process: pid + kernel start time (PID reuse guard). */
export interface ProcessHandle {
  readonly pid: number
  readonly pidStart: number
}

/** Reads field 22 (starttime) of /proc/<pid>/stat; undefined when gone. */
export const readPidStart = (pid: number): number | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z') return undefined // a zombie has finished
    return Number(fields[19])
  } catch {
    return undefined
  }
}

const alive = (h: ProcessHandle): boolean => readPidStart(h.pid) === h.pidStart

/** Pids of live processes in the netns bound at `nsPath` (none if it is gone). */
export const pidsInNetns = (nsPath: string): number[] => {
  let target: string
  try {
    target = `net:[${fs.statSync(nsPath).ino}]`
  } catch {
    return []
  }
  return fs
    .readdirSync('/proc')
    .filter(d => /^\d+$/.test(d))
    .map(Number)
    .filter(pid => {
      try {
        return fs.readlinkSync(`/proc/${pid}/ns/net`) === target && readPidStart(pid) !== undefined
      } catch {
        return false
      }
    })
}

/** Starts, watches and kills container processes. */
export class ProcessSupervisor {
  #children = new Map<string, ChildProcess>()
  #adopted = new Map<string, ProcessHandle>()
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly dataRoot: string,
    private readonly onExit: (containerId: string, exitCode: number) => void,
    private readonly log: Logger,
  ) {}

  /** The container's own directory (log and exit code). */
  dir(id: string): string {
    return path.join(this.dataRoot, 'containers', id)
  }

  logPath(id: string): string {
    return path.join(this.dir(id), 'output.log')
  }

  #exitPath(id: string): string {
    return path.join(this.dir(id), 'exitcode')
  }

  /** The recorded exit code, if the shim wrote one. */
  exitCodeOf(id: string): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.#exitPath(id), 'utf8').trim())
      return Number.isInteger(n) ? n : undefined
    } catch {
      return undefined
    }
  }

  /** Starts `cmd` in the netns; resolves once the process exists. */
  async start(id: string, netns: string, cmd: readonly string[]): Promise<ProcessHandle> {
    fs.mkdirSync(this.dir(id), { recursive: true, mode: 0o700 })
    fs.rmSync(this.#exitPath(id), { force: true })
    const out = fs.openSync(this.logPath(id), 'a', 0o600)
    let child: ChildProcess
    try {
      // netns '' = host mode: the daemon's own netns and /etc.
      const inNetns = netns === '' ? [] : ['ip', 'netns', 'exec', netns]
      const argv = [...inNetns, 'sh', '-c', SHIM, 'berth-shim', this.#exitPath(id), ...cmd]
      child = spawn(argv[0] ?? 'sh', argv.slice(1), {
        detached: true,
        stdio: ['ignore', out, out],
      })
    } finally {
      fs.closeSync(out)
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
    const pid = child.pid ?? 0
    this.#children.set(id, child)
    child.once('exit', (code, signal) => {
      this.#children.delete(id)
      const fromShim = this.exitCodeOf(id)
      this.onExit(id, fromShim ?? shellExitCode(code, signal))
    })
    child.unref()
    return { pid, pidStart: readPidStart(pid) ?? 0 }
  }

  /**
   * Takes over a process started by an earlier daemon. Returns false when it
   * is no longer running (the caller records it as exited).
   */
  adopt(id: string, h: ProcessHandle): boolean {
    if (!alive(h)) return false
    this.#adopted.set(id, h)
    this.#timer ??= setInterval(() => this.#poll(), POLL_MS).unref()
    return true
  }

  #poll(): void {
    for (const [id, h] of this.#adopted) {
      if (alive(h)) continue
      this.#adopted.delete(id)
      this.onExit(id, this.exitCodeOf(id) ?? 255)
    }
  }

  /**
   * Kills (SIGKILL) every process whose network namespace is the one at
   * `nsPath` — the supervised command, exec sessions, their children, even
   * ones that left its process group — and waits until they are gone.
   */
  async killAll(id: string, nsPath: string): Promise<void> {
    this.#adopted.delete(id)
    const child = this.#children.get(id)
    const exited = child ? new Promise(resolve => child.once('exit', resolve)) : undefined
    let pids = pidsInNetns(nsPath)
    for (let i = 0; pids.length > 0 && i < 100; i++) {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
        }
      }
      await new Promise(r => setTimeout(r, 20))
      pids = pidsInNetns(nsPath)
    }
    if (exited && pids.length === 0) await exited
    this.log.debug({ container: id }, 'processes killed')
  }

  /** Kills (SIGKILL) this container's own process group only, and waits until it is gone. */
  async killGroup(id: string, h: ProcessHandle): Promise<void> {
    this.#adopted.delete(id)
    const child = this.#children.get(id)
    const exited = child ? new Promise(resolve => child.once('exit', resolve)) : undefined
    if (!alive(h)) return
    try {
      process.kill(-h.pid, 'SIGKILL')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
    }
    if (exited) await exited
    for (let i = 0; i < 100 && alive(h); i++) await new Promise(r => setTimeout(r, 20))
  }

  /** Stops watching (daemon shutdown); processes keep running. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    for (const child of this.#children.values()) child.removeAllListeners('exit')
    this.#children.clear()
    this.#adopted.clear()
  }
}

/** A shell's view of how a process ended: its code, or 128 + signal number. */
export const shellExitCode = (code: number | null, signal: NodeJS.Signals | null): number =>
  code ?? 128 + (signal ? os.constants.signals[signal] ?? 0 : 0)
