/**
 * `npm run bench`: attach + detach latency of one sandbox on a user bridge,
 * berth's API against the same kernel work done by `ip` (one process per
 * command, and `ip -batch`), measured in the same run, in a private world
 * (test/helpers/world.ts) that is removed afterwards.
 *
 *   node dist/scripts/bench.js [--runs N] [--quick] [--json]
 */
import fs from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { World } from '../test/helpers/world.js'
import { Api } from './bench/api.js'
import { benchDns, dnsText } from './bench/dns.js'
import { benchPorts, portsText } from './bench/ports.js'
import { type BaselineNet, type Sandbox, batchAttach, batchDetach, scriptAttach, scriptDetach, setupBaselineNet } from './bench/baseline.js'
import { type Series, msSince, summarise, table } from './bench/stats.js'
import { checkAttached, checkDetached, netnsMounts, netnsNames, rootLinks, sweepNetns } from './bench/verify.js'

const MIN_RUNS = 50
const LIVE_PORTS = 500
const BERTH_NET = { name: 'benchnet', subnet: '10.201.0.0/16', gateway: '10.201.0.1', first: '10.201.0.2/16' }
const BASE_NET = { bridge: 'bbr0', gateway: '10.200.0.1', prefix: 24, ip: '10.200.0.2' }

const usage = `usage: node dist/scripts/bench.js [--runs N] [--ports N] [--quick] [--json]
  --runs N   measured iterations per implementation (default ${MIN_RUNS}, at least ${MIN_RUNS} unless --quick)
  --ports N  published ports kept live for the scaling measure (default ${LIVE_PORTS}; --quick: 20)
  --quick    smoke run: 5 runs by default, any N allowed, 1 warm-up
  --json     print machine-readable results instead of the table`

const fail = (message: string, code = 1): never => {
  process.stderr.write(`bench: ${message}\n`)
  process.exit(code)
}

const options = (): { runs: number; warmup: number; json: boolean; ports: number } => {
  let v: { runs?: string | undefined; ports?: string | undefined; quick?: boolean | undefined; json?: boolean | undefined; help?: boolean | undefined }
  try {
    v = parseArgs({
      options: {
        runs: { type: 'string' },
        ports: { type: 'string' },
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (e) {
    return fail(`${(e as Error).message}\n${usage}`, 2)
  }
  if (v.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const quick = v.quick ?? false
  const runs = v.runs === undefined ? (quick ? 5 : MIN_RUNS) : Number(v.runs)
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not "${v.runs}"`, 2)
  if (runs < MIN_RUNS && !quick) fail(`--runs ${runs}: at least ${MIN_RUNS} runs for p95 to mean anything (use --quick for a smoke run)`, 2)
  const ports = v.ports === undefined ? (quick ? 20 : LIVE_PORTS) : Number(v.ports)
  if (!Number.isInteger(ports) || ports < 5 || ports > 5000) fail(`--ports must be an integer from 5 to 5000, not "${v.ports}"`, 2)
  return { runs, warmup: quick ? 1 : 5, json: v.json ?? false, ports }
}

/** Set by SIGINT/SIGTERM; the loop stops at the next step and cleans up. */
let interrupted: NodeJS.Signals | undefined
const checkInterrupt = () => {
  if (interrupted) throw new Error(`interrupted by ${interrupted}`)
}

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  kernel: os.release(),
  node: process.version,
})

type Impl = Series['impl']
interface Step {
  attach(i: number): Promise<void> | void
  detach(i: number): Promise<void> | void
  check(i: number, phase: 'attached' | 'detached'): void
}

const main = async () => {
  const opts = options()
  if (process.getuid?.() !== 0) fail('must run as root: it creates network namespaces, veth pairs and bridges (try `sudo npm run bench`)')
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (!interrupted) process.stderr.write(`\nbench: ${sig}: stopping and cleaning up\n`)
      interrupted = sig
    })
  }
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const rootBefore = rootLinks()
  const w = new World()
  const mine = new RegExp(`^bt${w.id}`)
  const baselineNs = new RegExp(`^bt${w.id}b\\d+$`)
  const api = new Api(w.socket)
  let failed = false
  try {
    log(`bench: world ${w.id}: starting berthd in netns ${w.host}`)
    await w.start(['--log-level', 'info'])
    checkInterrupt()
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

    const total = opts.warmup + opts.runs
    log(`bench: ${opts.warmup} warm-up + ${opts.runs} measured iterations of ${impls.join(', ')}`)
    for (let i = 0; i < total; i++) {
      // Rotate the order so no implementation always runs right after another.
      for (let k = 0; k < impls.length; k++) {
        const impl = impls[(i + k) % impls.length] as Impl
        const step = steps[impl]
        checkInterrupt()
        let t = process.hrtime.bigint()
        await step.attach(i)
        const attachMs = msSince(t)
        // Warm-up iterations prove the work was done (untimed); measured ones only time it.
        if (i < opts.warmup) step.check(i, 'attached')
        checkInterrupt()
        t = process.hrtime.bigint()
        await step.detach(i)
        const detachMs = msSince(t)
        if (i < opts.warmup) step.check(i, 'detached')
        if (i >= opts.warmup) {
          ms.get(impl)?.attach.push(attachMs)
          ms.get(impl)?.detach.push(detachMs)
        }
      }
      if (!opts.json && (i + 1) % 10 === 0) log(`bench: ${i + 1}/${total}`)
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
    const rows = summarise(series)
    log(`bench: published ports: ${opts.runs} publish cycles, then ${opts.ports} ports kept live`)
    const ports = await benchPorts(api, BERTH_NET.name, opts.runs, opts.ports, checkInterrupt)
    log('bench: embedded DNS')
    const dns = await benchDns(w, api)
    const info = machine()
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ machine: info, runs: opts.runs, warmup: opts.warmup, results: rows, ports, dns }, null, 2)}\n`)
    } else {
      const attach = rows.find(r => r.operation === 'attach' && r.impl === 'berth')
      process.stdout.write(
        [
          '',
          `machine: ${info.cpus} × ${info.cpuModel}, Linux ${info.kernel}, Node ${info.node}`,
          `runs: ${opts.runs} measured per row (after ${opts.warmup} warm-up), interleaved; berth over its unix socket (node:http, keep-alive)`,
          '',
          table(rows),
          '',
          `target: berth attach p50 <= 5 ms (now ${attach?.p50Ms.toFixed(2)} ms); netavark ~40 ms, Docker ~175 ms on this VM`,
          "note: on a user-defined network berth's attach includes the embedded DNS (sockets and a DNAT table in the container's netns, one nft process); the ip baselines do not",
          '',
          portsText(ports),
          '',
          dnsText(dns),
          '',
        ].join('\n'),
      )
    }
  } catch (e) {
    failed = true
    log(`bench: ${interrupted ? `interrupted (${interrupted})` : `failed: ${(e as Error).stack ?? String(e)}`}`)
    const daemonLog = w.daemonLog().trim().split('\n').slice(-20).join('\n')
    if (!interrupted && daemonLog) log(`bench: last lines of berthd's log:\n${daemonLog}`)
  } finally {
    api.close()
    sweepNetns(baselineNs)
    await w.destroy()
    const left = [
      ...netnsNames().filter(n => mine.test(n)).map(n => `netns ${n}`),
      ...netnsMounts().filter(m => mine.test(m.slice('/run/netns/'.length))).map(m => `mount ${m}`),
      ...(fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter(n => mine.test(n)).map(n => `/etc/netns/${n}`) : []),
      ...(fs.existsSync(w.dir) ? [w.dir] : []),
    ]
    const rootAfter = rootLinks()
    if (rootAfter.join() !== rootBefore.join()) left.push(`root netns links changed: ${rootBefore.join(',')} -> ${rootAfter.join(',')}`)
    if (left.length > 0) {
      failed = true
      log(`bench: cleanup left things behind:\n  ${left.join('\n  ')}`)
    } else {
      log(`bench: cleaned up (world ${w.id}: no netns, mounts, /etc/netns entries or files left; root netns links unchanged)`)
    }
  }
  process.exit(interrupted ? 130 : failed ? 1 : 0)
}

main().catch((e: unknown) => fail(`failed: ${(e as Error).stack ?? String(e)}`))
