/**
 * Published-port benchmarks (issue 3): the cost of one publish, and whether
 * it grows with the number of ports already published (it should not: a
 * publish adds map elements only).
 */
import type { Api } from '../../test/helpers/api.js'
import { msSince, percentile } from './stats.js'

/** Results of the port benchmarks. */
export interface PortResults {
  /** create+publish one port, then remove: attach latency, ms. */
  readonly attachWithPort: { readonly p50: number; readonly p95: number; readonly runs: number }
  /** Attach latency of the first and the last `window` of `live` attaches, ms (p50). */
  readonly scale: { readonly live: number; readonly window: number; readonly firstP50: number; readonly lastP50: number; readonly ratio: number }
}

const sorted = (v: number[]) => [...v].sort((a, b) => a - b)

const PORTS_PER_FILLER = 10

/** Creates a container publishing `ports` (consecutive host ports from `first`); resolves with its latency. */
const createWithPorts = async (api: Api, net: string, name: string, first: number, ports: number): Promise<number> => {
  const bindings: Record<string, { HostPort: string }[]> = {}
  for (let k = 0; k < ports; k++) bindings[`${1000 + k}/tcp`] = [{ HostPort: String(first + k) }]
  const t = process.hrtime.bigint()
  await api.expect(201, 'POST', `/containers/create?name=${name}`, { HostConfig: { NetworkMode: net, PortBindings: bindings } })
  return msSince(t)
}

/**
 * Runs both on network `net`: `runs` create+remove cycles with one
 * published port; then the attach latency of a container with one port,
 * `window` times with no other port live and `window` times with `live`
 * ports live (held by filler containers of ${PORTS_PER_FILLER} ports each,
 * so that what grows is the number of ports, not of containers).
 */
export const benchPorts = async (api: Api, net: string, runs: number, live: number, tick: () => void): Promise<PortResults> => {
  const once: number[] = []
  for (let i = 0; i < runs; i++) {
    tick()
    once.push(await createWithPorts(api, net, `pp${i}`, 20000 + i, 1))
    await api.expect(204, 'DELETE', `/containers/pp${i}`)
  }
  const window = 20
  const sample = async (tag: string): Promise<number> => {
    const ms: number[] = []
    for (let i = 0; i < window; i++) {
      tick()
      ms.push(await createWithPorts(api, net, `${tag}${i}`, 21000 + i, 1))
    }
    for (let i = 0; i < window; i++) await api.expect(204, 'DELETE', `/containers/${tag}${i}`)
    return percentile(sorted(ms), 50)
  }
  const firstP50 = await sample('pa')
  for (let f = 0; f * PORTS_PER_FILLER < live; f++) {
    tick()
    await createWithPorts(api, net, `pf${f}`, 30000 + f * PORTS_PER_FILLER, Math.min(PORTS_PER_FILLER, live - f * PORTS_PER_FILLER))
  }
  const lastP50 = await sample('pz')
  const s = sorted(once)
  return {
    attachWithPort: { p50: percentile(s, 50), p95: percentile(s, 95), runs },
    scale: { live, window, firstP50, lastP50, ratio: lastP50 / firstP50 },
  }
}

/** The results as text. */
export const portsText = (r: PortResults): string =>
  [
    `attach with one published port: p50 ${r.attachWithPort.p50.toFixed(2)} ms, p95 ${r.attachWithPort.p95.toFixed(2)} ms over ${r.attachWithPort.runs} runs (goal: p50 <= 10 ms)`,
    `attach with one port, with 0 vs ${r.scale.live} other ports published (${r.scale.window} runs each): ` +
      `p50 ${r.scale.firstP50.toFixed(2)} → ${r.scale.lastP50.toFixed(2)} ms, ratio ${r.scale.ratio.toFixed(2)} (goal: <= 1.3)`,
  ].join('\n')
