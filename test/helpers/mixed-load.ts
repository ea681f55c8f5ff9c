/**
 * Many clients at once (issue 6): each sends a seeded pseudo-random mix of
 * operations through the HTTP API — run with and without -p on a few
 * contended host ports, names from a small pool (clashes on purpose),
 * connect/disconnect, rm -f, network create/rm of a few networks, and
 * reads — then the log of what each request got is checked: only the
 * expected Docker errors, and no lost update (a successful create is there
 * at the end unless a successful rm of its name came after it; a
 * successful rm is not undone). Shared by test/e2e/concurrency.ts and
 * scripts/concurrency-long.ts; the kernel checks are agree.ts's.
 */
import { Api, createBody } from './api.js'
import { random } from './seeded.js'
import type { World } from './world.js'

export interface LoadOptions {
  readonly clients: number
  readonly ops: number
  readonly seed: number
  /** The whole load must end by then (a deadlock fails instead of hanging). */
  readonly timeoutMs: number
}

/** One request as a client saw it. */
interface Done {
  readonly kind: Kind
  readonly target: string
  readonly status: number
  readonly body: string
  readonly start: number
  readonly end: number
}

type Kind = 'create' | 'start' | 'rm' | 'connect' | 'disconnect' | 'network-create' | 'network-rm' | 'inspect' | 'ps' | 'network-ls' | 'reconcile'

/** What each kind may answer besides success: Docker's errors for lost races, nothing else. */
const EXPECTED: Record<Kind, [number, RegExp][]> = {
  create: [[201, /./], [409, /is already in use by container|port is already allocated|is still being created/], [404, /network \S+ not found/]],
  start: [[204, /^$/], [404, /container \S+ not found/], [409, /is being removed/]],
  rm: [[204, /^$/], [404, /container \S+ not found/]],
  connect: [[200, /./], [404, /(container|network) \S+ not found/], [409, /already exists in network|is being (created|removed)|still being created/]],
  disconnect: [[200, /./], [404, /(container|network) \S+ not found/], [409, /is not connected to network|is being (created|removed)/]],
  'network-create': [[201, /./], [409, /network with name \S+ already exists/]],
  'network-rm': [[204, /^$/], [404, /network \S+ not found/], [403, /has active endpoints/]],
  inspect: [[200, /./], [404, /container \S+ not found/]],
  ps: [[200, /./]],
  'network-ls': [[200, /./]],
  // Runs alone between the others: state and kernel agree then, so nothing to repair.
  reconcile: [[200, /^\{"Repaired":\[\]\}/]],
}

const SUCCESS: Record<Kind, number> = { create: 201, start: 204, rm: 204, connect: 200, disconnect: 200, 'network-create': 201, 'network-rm': 204, inspect: 200, ps: 200, 'network-ls': 200, reconcile: 200 }

/** The contended pools: host ports, network names (with their subnets). */
export const LOAD_PORTS = [18100, 18101, 18102]
const NETWORKS = ['n0', 'n1', 'n2']
const subnetOf = (net: string) => `10.98.${net.slice(1)}.0/24`

/** One client: `ops` operations one after the other. */
const client = async (api: Api, rng: () => number, ops: number, names: number, log: Done[]) => {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T
  const send = async (kind: Kind, target: string, method: string, path: string, body?: unknown) => {
    const start = performance.now()
    const r = await api.send(method, path, body).catch((e: Error) => ({ status: 0, body: e.message }))
    log.push({ kind, target, status: r.status, body: r.body, start, end: performance.now() })
    return r.status
  }
  for (let i = 0; i < ops; i++) {
    // Not hex: a name that is gone would otherwise match some container's id prefix (Docker's lookup).
    const name = `w${Math.floor(rng() * names)}`
    const net = pick(NETWORKS)
    const x = rng()
    if (x < 0.25) {
      const ports = rng() < 0.4 ? [`${pick(LOAD_PORTS)}:80`] : []
      if ((await send('create', name, 'POST', `/containers/create?name=${name}`, createBody(rng() < 0.7 ? 'base' : net, ports))) === 201) {
        await send('start', name, 'POST', `/containers/${name}/start`)
      }
    } else if (x < 0.4) await send('rm', name, 'DELETE', `/containers/${name}?force=1`)
    else if (x < 0.52) await send('connect', name, 'POST', `/networks/${net}/connect`, { Container: name })
    else if (x < 0.62) await send('disconnect', name, 'POST', `/networks/${net}/disconnect`, { Container: name })
    else if (x < 0.7) await send('network-create', net, 'POST', '/networks/create', { Name: net, IPAM: { Config: [{ Subnet: subnetOf(net) }] } })
    else if (x < 0.78) await send('network-rm', net, 'DELETE', `/networks/${net}`)
    else if (x < 0.9) await send('inspect', name, 'GET', `/containers/${name}/json`)
    else if (x < 0.95) await send('ps', '', 'GET', '/containers/json?all=1')
    else if (x < 0.98) await send('network-ls', '', 'GET', '/networks')
    else await send('reconcile', '', 'POST', '/system/reconcile')
  }
}

/** Unexpected answers, and updates lost or undone, judged from the log and the final state. */
const judge = (log: readonly Done[], final: { containers: { id: string; name: string }[]; networks: { id: string; name: string }[] }): string[] => {
  const out: string[] = []
  for (const d of log) {
    const ok = EXPECTED[d.kind].some(([status, re]) => status === d.status && ((status === SUCCESS[d.kind] && d.kind !== 'reconcile') || re.test(d.body)))
    if (!ok) out.push(`${d.kind} ${d.target}: unexpected HTTP ${d.status} ${d.body.trim().slice(0, 200)}`)
  }
  const check = (createKind: Kind, rmKind: Kind, what: string, survivors: { id: string; name: string }[]) => {
    const creates = log.filter(d => d.kind === createKind && d.status === SUCCESS[createKind])
    const rms = log.filter(d => d.kind === rmKind && d.status === SUCCESS[rmKind])
    const created = new Map(creates.map(d => [String(JSON.parse(d.body).Id), d]))
    for (const s of survivors) {
      const c = created.get(s.id)
      if (!c) {
        out.push(`${what} ${s.name} (${s.id.slice(0, 12)}) exists but no create of it succeeded`)
        continue
      }
      const later = rms.find(r => r.target === s.name && r.start > c.end)
      if (later) out.push(`${what} ${s.name} survived a successful rm sent after its create succeeded (lost update)`)
    }
    for (const [id, c] of created) {
      if (survivors.some(s => s.id === id)) continue
      if (!rms.some(r => r.target === c.target && r.end > c.start)) out.push(`${what} ${c.target} (${id.slice(0, 12)}) was created but is gone without an rm (lost update)`)
    }
  }
  check('create', 'rm', 'container', final.containers)
  check('network-create', 'network-rm', 'network', final.networks.filter(n => NETWORKS.includes(n.name)))
  return out
}

/** What the load found wrong (empty: nothing), with the answers counted per kind and status. */
export interface LoadResult {
  readonly failures: string[]
  readonly answers: Record<string, number>
  readonly requests: number
}

/** Runs the load against `w`'s daemon (network `base` is made first). */
export const mixedLoad = async (w: World, opts: LoadOptions): Promise<LoadResult> => {
  const setup = new Api(w.socket)
  await setup.expect(201, 'POST', '/networks/create', { Name: 'base', IPAM: { Config: [{ Subnet: '10.97.0.0/22' }] } })
  const log: Done[] = []
  const rng = random(opts.seed)
  const apis = Array.from({ length: opts.clients }, () => new Api(w.socket, opts.timeoutMs))
  const names = Math.max(12, Math.ceil(opts.clients / 2))
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<string>(resolve => (timer = setTimeout(() => resolve('deadline'), opts.timeoutMs)))
  const load = Promise.all(apis.map(api => client(api, random(Math.floor(rng() * 2 ** 32)), opts.ops, names, log))).then(() => 'done')
  const outcome = await Promise.race([load, deadline])
  clearTimeout(timer)
  for (const api of apis) api.close()
  const failures: string[] = []
  if (outcome === 'deadline') {
    failures.push(`not done within ${opts.timeoutMs} ms (deadlock?): ${log.length} of about ${opts.clients * opts.ops} requests answered`)
  }
  const containers = (await setup.get<any[]>('/containers/json?all=1')).map(c => ({ id: String(c.Id), name: String(c.Names[0]).slice(1) }))
  const networks = (await setup.get<any[]>('/networks')).map(n => ({ id: String(n.Id), name: String(n.Name) }))
  setup.close()
  if (outcome === 'done') failures.push(...judge(log, { containers, networks }))
  const answers: Record<string, number> = {}
  for (const d of log) answers[`${d.kind} ${d.status}`] = (answers[`${d.kind} ${d.status}`] ?? 0) + 1
  return { failures, answers, requests: log.length }
}
