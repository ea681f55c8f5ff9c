/**
 * Restart benchmark (issue 6): how long a berthd restart takes with many
 * endpoints — the startup reconcile (berthd's own `reconcile done` log line)
 * and spawn → the API answering `/_ping` — against a restart of the same
 * daemon with no containers, measured in the same run.
 *
 * It runs in a world of its own (test/helpers/world.ts) whose daemon it
 * spawns and stops itself, by PID, so it can poll the socket tightly; the
 * caller destroys the world.
 *
 * Be aware: containers are spread over 4 user networks (/22) and the
 * default bridge; one in ten runs a process (`sleep`), so adoption is part
 * of the restart too.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { World } from '../../test/helpers/world.js'
import { Api } from '../../test/helpers/api.js'
import { msSince, percentile } from './stats.js'

/** The goal of issue 6: a restart with 1000 endpoints reconciles in under a second. */
export const RECONCILE_GOAL_MS = 1000
export const GOAL_ENDPOINTS = 1000
const NETWORKS = 4
const WORKERS = 4
const RUNNING_EVERY = 10

/** One restart. */
export interface RestartSample {
  /** The `ms` of berthd's `reconcile done` line. */
  readonly reconcileMs: number
  readonly repairs: number
  /** Spawn → `GET /_ping` answered. */
  readonly readyMs: number
}

/** Results of the restart benchmark. */
export interface RestartResults {
  readonly endpoints: number
  readonly createMs: number
  readonly empty: readonly RestartSample[]
  readonly loaded: readonly RestartSample[]
}

/** The daemon of the bench's world, spawned and stopped by PID here. */
class Daemon {
  #child: ChildProcess | undefined
  readonly #log: string

  constructor(private readonly w: World) {
    // World's own log file, so w.daemonLog() shows it.
    this.#log = path.join(w.dir, 'berthd.log')
  }

  /** Starts berthd; resolves with the sample once `/_ping` answers. */
  async start(): Promise<RestartSample> {
    const from = fs.existsSync(this.#log) ? fs.statSync(this.#log).size : 0
    const out = fs.openSync(this.#log, 'a')
    const t = process.hrtime.bigint()
    const child = spawn('nsenter', [`--net=/run/netns/${this.w.host}`, ...this.w.daemonArgv(['--log-level', 'info'])], { stdio: ['ignore', out, out] })
    fs.closeSync(out)
    this.#child = child
    const api = new Api(this.w.socket)
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`berthd exited ${child.exitCode}: ${this.logSince(from).slice(-2000)}`)
        if (msSince(t) > 120_000) throw new Error('berthd did not answer /_ping within 120 s')
        if ((await api.send('GET', '/_ping').catch(() => undefined))?.status === 200) break
        await new Promise(r => setTimeout(r, 2))
      }
    } finally {
      api.close()
    }
    const readyMs = msSince(t)
    const done = this.logSince(from).split('\n').find(l => l.includes('"reconcile done"'))
    if (!done) throw new Error('berthd logged no "reconcile done" line')
    const { ms, repairs } = JSON.parse(done) as { ms: number; repairs: number }
    return { reconcileMs: ms, repairs, readyMs }
  }

  /** SIGTERM by PID; resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (!child || child.exitCode !== null) return
    const exited = new Promise(r => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }

  logSince(offset: number): string {
    return fs.existsSync(this.#log) ? fs.readFileSync(this.#log).subarray(offset).toString('utf8') : ''
  }
}

/** Creates `n` containers over the networks with WORKERS requests in flight. */
const populate = async (w: World, n: number, tick: () => void): Promise<void> => {
  const api = new Api(w.socket)
  try {
    for (let k = 0; k < NETWORKS; k++) {
      await api.expect(201, 'POST', '/networks/create', { Name: `rn${k}`, IPAM: { Config: [{ Subnet: `10.210.${k * 4}.0/22` }] } })
    }
  } finally {
    api.close()
  }
  const worker = async (first: number) => {
    const client = new Api(w.socket)
    try {
      for (let i = first; i < n; i += WORKERS) {
        tick()
        const net = i % (NETWORKS + 1) === NETWORKS ? 'bridge' : `rn${i % (NETWORKS + 1)}`
        const running = i % RUNNING_EVERY === 0
        const body = { HostConfig: { NetworkMode: net }, ...(running ? { Cmd: ['sleep', 'infinity'] } : {}) }
        await client.expect(201, 'POST', `/containers/create?name=r${i}`, body)
        if (running) await client.expect(204, 'POST', `/containers/r${i}/start`)
      }
    } finally {
      client.close()
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, k) => worker(k)))
}

/** Stops and starts the daemon `times` times. */
const restarts = async (d: Daemon, times: number, tick: () => void): Promise<RestartSample[]> => {
  const samples: RestartSample[] = []
  for (let i = 0; i < times; i++) {
    tick()
    await d.stop()
    samples.push(await d.start())
  }
  return samples
}

/** Runs the restart benchmark in world `w` (fresh, no daemon running); the caller destroys `w`. */
export const benchRestart = async (w: World, endpoints: number, times: number, tick: () => void, log: (line: string) => void): Promise<RestartResults> => {
  const d = new Daemon(w)
  try {
    await d.start()
    log(`bench: restart: ${times} restarts with no containers`)
    const empty = await restarts(d, times, tick)
    log(`bench: restart: creating ${endpoints} containers (${NETWORKS} user networks + the default bridge)`)
    const t = process.hrtime.bigint()
    await populate(w, endpoints, tick)
    const createMs = msSince(t)
    log(`bench: restart: ${times} restarts with ${endpoints} endpoints`)
    const loaded = await restarts(d, times, tick)
    const api = new Api(w.socket)
    const listed = JSON.parse((await api.expect(200, 'GET', '/containers/json?all=1').finally(() => api.close())).body) as unknown[]
    if (listed.length !== endpoints) throw new Error(`after the restarts berth lists ${listed.length} containers, not ${endpoints}`)
    return { endpoints, createMs, empty, loaded }
  } finally {
    await d.stop()
  }
}

const median = (v: readonly number[]) => percentile([...v].sort((a, b) => a - b), 50)

/** Whether the goal is met (judged on the median of the loaded restarts). */
export const restartPasses = (r: RestartResults): boolean => median(r.loaded.map(s => s.reconcileMs)) < RECONCILE_GOAL_MS

/** The results as text, ending in a PASS/FAIL line for the goal. */
export const restartText = (r: RestartResults): string => {
  const row = (what: string, v: readonly number[], base: readonly number[]) =>
    `  ${what.padEnd(28)} p50 ${median(v).toFixed(1).padStart(8)} ms  max ${Math.max(...v).toFixed(1).padStart(8)} ms` +
    `  (${(median(v) / median(base)).toFixed(1)}× the restart with no containers: p50 ${median(base).toFixed(1)} ms)`
  const rec = median(r.loaded.map(s => s.reconcileMs))
  const smoke = r.endpoints < GOAL_ENDPOINTS ? ` — smoke run with ${r.endpoints} endpoints, the goal is for ${GOAL_ENDPOINTS}` : ''
  return [
    `restart with ${r.endpoints} endpoints (${r.loaded.length} restarts; created in ${(r.createMs / 1000).toFixed(1)} s; repairs: ${r.loaded.map(s => s.repairs).join(',')}):`,
    row('reconcile (berthd log)', r.loaded.map(s => s.reconcileMs), r.empty.map(s => s.reconcileMs)),
    row('spawn → /_ping answered', r.loaded.map(s => s.readyMs), r.empty.map(s => s.readyMs)),
    `${restartPasses(r) ? 'PASS' : 'FAIL'}: restart reconcile p50 ${rec.toFixed(1)} ms (goal: < ${RECONCILE_GOAL_MS} ms with ${GOAL_ENDPOINTS} endpoints)${smoke}`,
  ].join('\n')
}
