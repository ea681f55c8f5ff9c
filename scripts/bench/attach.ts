/**
 * Attach + detach latency of one sandbox on a user bridge: berth's API
 * against the same kernel work done by `ip` (one process per command, and
 * `ip -batch`), interleaved, in the bench's world. Warm-up iterations (and
 * the last measured one) are checked to have done the real work.
 */
import type { World } from '../../test/helpers/world.js'
import type { Api } from '../../test/helpers/api.js'
import { type BaselineNet, type Sandbox, batchAttach, batchDetach, scriptAttach, scriptDetach, setupBaselineNet } from './baseline.js'
import { type Series, type Summary, msSince, summarise } from './stats.js'
import { checkAttached, checkDetached, sweepNetns } from './verify.js'

/** berth's network for the attach (and published-port) measures. */
export const BERTH_NET = { name: 'benchnet', subnet: '10.201.0.0/16', gateway: '10.201.0.1', first: '10.201.0.2/16' }
const BASE_NET = { bridge: 'bbr0', gateway: '10.200.0.1', prefix: 24, ip: '10.200.0.2' }

type Impl = Series['impl']
interface Step {
  attach(i: number): Promise<void> | void
  detach(i: number): Promise<void> | void
  check(i: number, phase: 'attached' | 'detached'): void
}

/** Runs the attach/detach measure in `w` (berthd running); its baseline netns are removed afterwards. */
export const benchAttach = async (
  w: World,
  api: Api,
  o: { readonly runs: number; readonly warmup: number; readonly json: boolean },
  tick: () => void,
  log: (line: string) => void,
): Promise<Summary[]> => {
  try {
    return await measure(w, api, o, tick, log)
  } finally {
    sweepNetns(new RegExp(`^bt${w.id}b\\d+$`))
  }
}

const measure = async (
  w: World,
  api: Api,
  o: { readonly runs: number; readonly warmup: number; readonly json: boolean },
  tick: () => void,
  log: (line: string) => void,
): Promise<Summary[]> => {
  const created = await api.expect(201, 'POST', '/networks/create', {
    Name: BERTH_NET.name,
    IPAM: { Config: [{ Subnet: BERTH_NET.subnet, Gateway: BERTH_NET.gateway }] },
  })
  const netId = (JSON.parse(created.body) as { Id: string }).Id
  const berthBridge = `br-${netId.slice(0, 12)}`
  const base: BaselineNet = { host: w.host, bridge: BASE_NET.bridge, gateway: BASE_NET.gateway, prefix: BASE_NET.prefix }
  setupBaselineNet(base)

  const sandbox = (i: number): Sandbox => ({ netns: `bt${w.id}b${i}`, veth: `bveth${i}`, ip: BASE_NET.ip })
  const baseCheck = (what: string) => (i: number, phase: 'attached' | 'detached') => {
    const s = sandbox(i)
    if (phase === 'attached') checkAttached(what, { host: w.host, netns: s.netns, cidr: `${s.ip}/${base.prefix}`, gateway: base.gateway, bridge: base.bridge })
    else checkDetached(what, { host: w.host, netns: s.netns, bridge: base.bridge })
  }
  const steps: Record<Impl, Step> = {
    berth: {
      attach: async i => void (await api.expect(201, 'POST', `/containers/create?name=b${i}`, { HostConfig: { NetworkMode: BERTH_NET.name } })),
      detach: async i => void (await api.expect(204, 'DELETE', `/containers/b${i}`)),
      check: (i, phase) =>
        phase === 'attached'
          ? checkAttached('berth', { host: w.host, netns: w.ns(`b${i}`), cidr: BERTH_NET.first, gateway: BERTH_NET.gateway, bridge: berthBridge })
          : checkDetached('berth', { host: w.host, netns: w.ns(`b${i}`), bridge: berthBridge }),
    },
    'ip script': { attach: i => scriptAttach(base, sandbox(i)), detach: i => scriptDetach(base, sandbox(i)), check: baseCheck('ip script') },
    'ip -batch': { attach: i => batchAttach(base, sandbox(i)), detach: i => batchDetach(base, sandbox(i)), check: baseCheck('ip -batch') },
  }
  const impls = Object.keys(steps) as Impl[]
  const ms = new Map(impls.map(impl => [impl, { attach: [] as number[], detach: [] as number[] }]))

  const total = o.warmup + o.runs
  log(`bench: ${o.warmup} warm-up + ${o.runs} measured iterations of ${impls.join(', ')}`)
  for (let i = 0; i < total; i++) {
    // Rotate the order so no implementation always runs right after another.
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(i + k) % impls.length] as Impl
      const step = steps[impl]
      tick()
      let t = process.hrtime.bigint()
      await step.attach(i)
      const attachMs = msSince(t)
      // Warm-up iterations prove the work was done (untimed); measured ones only time it.
      if (i < o.warmup) step.check(i, 'attached')
      tick()
      t = process.hrtime.bigint()
      await step.detach(i)
      const detachMs = msSince(t)
      if (i < o.warmup) step.check(i, 'detached')
      if (i >= o.warmup) {
        ms.get(impl)?.attach.push(attachMs)
        ms.get(impl)?.detach.push(detachMs)
      }
    }
    if (!o.json && (i + 1) % 10 === 0) log(`bench: ${i + 1}/${total}`)
  }
  // The last measured iteration is checked too, after the fact.
  for (const impl of impls) steps[impl].check(total - 1, 'detached')

  const series: Series[] = []
  for (const op of ['attach', 'detach', 'attach+detach'] as const) {
    for (const impl of impls) {
      const m = ms.get(impl) ?? { attach: [], detach: [] }
      const values = op === 'attach+detach' ? m.attach.map((a, j) => a + (m.detach[j] ?? NaN)) : m[op]
      series.push({ operation: op, impl, ms: values })
    }
  }
  return summarise(series)
}
