/**
 * Fault injection: start an operation through the API, SIGKILL berthd a
 * seeded pseudo-random number of milliseconds later, restart it, and check
 * that state and kernel agree (agree.ts). Shared by test/e2e/crash.ts (≥ 30
 * points) and scripts/crash-long.ts (≥ 200).
 */
import { disagreements } from './agree.js'
import { Api, createBody } from './api.js'
import { random, shuffle } from './seeded.js'
import type { World } from './world.js'

/** The operations a kill point interrupts. */
export const CRASH_OPS = ['run', 'run-p', 'connect', 'disconnect', 'rm', 'network-create', 'network-rm'] as const
export type CrashOp = (typeof CRASH_OPS)[number]

/** Host ports the `run -p` points publish (few, so they are taken again). */
const PORTS = [18080, 18081, 18082, 18083]
const MAX_CONTAINERS = 6

export interface CrashOptions {
  readonly points: number
  readonly seed: number
  /** Delays are uniform in [0, maxDelayMs]. */
  readonly maxDelayMs?: number
  /** Progress lines. */
  readonly log?: (line: string) => void
}

export interface CrashResult {
  /** One line per disagreement, prefixed with its kill point. */
  readonly failures: string[]
  /** How often each operation was interrupted. */
  readonly ops: Record<CrashOp, number>
}

const must = async (api: Api, want: number, method: string, path: string, body?: unknown) => void (await api.expect(want, method, path, body))

/** What exists now, by name. */
const survey = async (api: Api) => {
  const cs = await api.get<any[]>('/containers/json?all=1')
  const nets = await api.get<any[]>('/networks')
  return {
    containers: cs.map(c => ({ name: String(c.Names[0]).slice(1), networks: Object.keys(c.NetworkSettings.Networks), ports: c.Ports.map((p: any) => Number(p.PublicPort)) })),
    transient: nets.map(n => String(n.Name)).filter(n => /^t\d+$/.test(n)),
  }
}

/**
 * Picks the point's operation and its requests. Preconditions (a container
 * to connect, a network to remove…) are set up first, outside the kill
 * window, so every operation gets its share of kill points.
 */
const prepare = async (api: Api, op: CrashOp, i: number, rng: () => number) => {
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rng() * xs.length)]
  let now = await survey(api)
  const fresh = async (name: string) => {
    await must(api, 201, 'POST', `/containers/create?name=${name}`, createBody('crash'))
    await must(api, 204, 'POST', `/containers/${name}/start`)
    now = await survey(api)
  }
  const name = `k${i}`
  switch (op) {
    case 'run':
    case 'run-p': {
      // Room for one more, and a free port: the run itself must not be refused.
      const allTaken = PORTS.every(p => now.containers.some(c => c.ports.includes(p)))
      const holder = op === 'run-p' && allTaken ? now.containers.find(c => c.ports.length > 0) : undefined
      const victim = holder ?? (now.containers.length >= MAX_CONTAINERS ? now.containers[0] : undefined)
      if (victim) await must(api, 204, 'DELETE', `/containers/${victim.name}?force=1`)
      const taken = new Set(now.containers.filter(c => c !== victim).flatMap(c => c.ports))
      const port = op === 'run-p' ? pick(PORTS.filter(p => !taken.has(p))) : undefined
      const ports = port ? [`${port}:80`] : []
      return { name, port, go: async () => {
        await must(api, 201, 'POST', `/containers/create?name=${name}`, createBody('crash', ports))
        await must(api, 204, 'POST', `/containers/${name}/start`)
      } }
    }
    case 'connect': {
      let c = pick(now.containers.filter(x => !x.networks.includes('other')))
      if (!c) await fresh(name)
      c ??= now.containers.find(x => x.name === name)
      return { name: c?.name ?? name, go: () => must(api, 200, 'POST', '/networks/other/connect', { Container: c?.name ?? name }) }
    }
    case 'disconnect': {
      let c = pick(now.containers.filter(x => x.networks.includes('other')))
      if (!c) {
        if (!now.containers[0]) await fresh(name)
        c = now.containers[0]
        await must(api, 200, 'POST', '/networks/other/connect', { Container: c?.name })
      }
      return { name: c?.name ?? name, go: () => must(api, 200, 'POST', '/networks/other/disconnect', { Container: c?.name }) }
    }
    case 'rm': {
      if (now.containers.length === 0) await fresh(name)
      const c = pick(now.containers)
      return { name: c?.name ?? name, go: () => must(api, 204, 'DELETE', `/containers/${c?.name}?force=1`) }
    }
    case 'network-create':
      if (now.transient.length >= 3) await must(api, 204, 'DELETE', `/networks/${now.transient[0]}`)
      return { name: `t${i}`, go: () => must(api, 201, 'POST', '/networks/create', { Name: `t${i}` }) }
    case 'network-rm': {
      let n = pick(now.transient)
      if (!n) {
        n = `t${i}`
        await must(api, 201, 'POST', '/networks/create', { Name: n })
      }
      return { name: n, go: () => must(api, 204, 'DELETE', `/networks/${n}`) }
    }
  }
}

/** Runs `opts.points` kill points in `w` (its daemon running); the world is left as the points left it. */
export const crashPoints = async (w: World, opts: CrashOptions): Promise<CrashResult> => {
  const rng = random(opts.seed)
  const maxDelay = opts.maxDelayMs ?? 40
  const failures: string[] = []
  const ops = Object.fromEntries(CRASH_OPS.map(o => [o, 0])) as Record<CrashOp, number>
  let api = new Api(w.socket, 20_000)
  await must(api, 201, 'POST', '/networks/create', { Name: 'crash', IPAM: { Config: [{ Subnet: '10.95.0.0/24' }] } })
  await must(api, 201, 'POST', '/networks/create', { Name: 'other', IPAM: { Config: [{ Subnet: '10.96.0.0/24' }] } })
  let order: CrashOp[] = []
  for (let i = 0; i < opts.points; i++) {
    if (order.length === 0) order = shuffle([...CRASH_OPS], rng)
    const op = order.shift() as CrashOp
    const delay = Math.floor(rng() * (maxDelay + 1))
    const where = `point ${i} (${op} after ${delay} ms, seed ${opts.seed})`
    try {
      const step = await prepare(api, op, i, rng)
      ops[op]++
      const done = step.go().then(
        () => 'completed',
        (e: Error) => `interrupted: ${e.message.split('\n')[0]}`,
      )
      await new Promise(r => setTimeout(r, delay))
      await w.stop('SIGKILL')
      const outcome = await done
      api.close()
      const t0 = Date.now()
      await w.start()
      api = new Api(w.socket, 20_000)
      const t1 = Date.now()
      const found = await disagreements(w, api)
      const t2 = Date.now()
      failures.push(...found.map(f => `${where}: ${f}`))
      opts.log?.(`${where} ${step.name}: ${outcome}; ${found.length === 0 ? 'agreed' : `${found.length} disagreement(s)`} (restart ${t1 - t0} ms, checks ${t2 - t1} ms)`)
      // A port the killed run had taken is free again when its container is gone.
      if (step.port !== undefined && (await api.send('GET', `/containers/${step.name}/json`)).status === 404) {
        const again = await api.send('POST', `/containers/create?name=${step.name}`, createBody('crash', [`${step.port}:80`]))
        if (again.status !== 201) failures.push(`${where}: run -p ${step.port}:80 after the restart: HTTP ${again.status} ${again.body.trim()}`)
        else await must(api, 204, 'POST', `/containers/${step.name}/start`)
      }
    } catch (e) {
      failures.push(`${where}: ${(e as Error).message}`)
      if (!(await api.send('GET', '/_ping').catch(() => undefined))) await w.start()
      api = new Api(w.socket, 20_000)
    }
  }
  api.close()
  return { failures, ops }
}
