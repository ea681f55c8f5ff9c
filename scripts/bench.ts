/**
 * `npm run bench`: attach + detach latency of one sandbox on a user bridge,
 * berth's API against the same kernel work done by `ip` (one process per
 * command, and `ip -batch`), measured in the same run, in a private world
 * (test/helpers/world.ts) that is removed afterwards; then published ports
 * and the embedded DNS in that world; then, in a second world, a daemon
 * restart with many endpoints against one with none.
 *
 *   node dist/scripts/bench.js [--runs N] [--ports N] [--endpoints N] [--restart-only] [--quick] [--json]
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { World } from '../test/helpers/world.js'
import { Api } from '../test/helpers/api.js'
import { type DnsResult, benchDns, dnsText } from './bench/dns.js'
import { BERTH_NET, benchAttach } from './bench/attach.js'
import { type PortResults, benchPorts, portsText } from './bench/ports.js'
import { type RestartResults, benchRestart, restartText } from './bench/restart.js'
import { type Summary, table } from './bench/stats.js'
import { leftBehind, rootLinks } from './bench/verify.js'

const MIN_RUNS = 50
const LIVE_PORTS = 500
const RESTART_ENDPOINTS = 1000
const RESTARTS = 3

const usage = `usage: node dist/scripts/bench.js [--runs N] [--ports N] [--endpoints N] [--restart-only] [--quick] [--json]
  --runs N        measured iterations per implementation (default ${MIN_RUNS}, at least ${MIN_RUNS} unless --quick)
  --ports N       published ports kept live for the scaling measure (default ${LIVE_PORTS}; --quick: 20)
  --endpoints N   containers present for the restart measure (default ${RESTART_ENDPOINTS}; --quick: 100)
  --restart-only  run only the restart measure
  --quick         smoke run: 5 runs by default, any N allowed, 1 warm-up, 1 restart
  --json          print machine-readable results instead of the table`

const fail = (message: string, code = 1): never => {
  process.stderr.write(`bench: ${message}\n`)
  process.exit(code)
}

interface Options {
  readonly runs: number
  readonly warmup: number
  readonly json: boolean
  readonly ports: number
  readonly endpoints: number
  readonly restarts: number
  readonly restartOnly: boolean
}

const options = (): Options => {
  let v: {
    runs?: string | undefined
    ports?: string | undefined
    endpoints?: string | undefined
    'restart-only'?: boolean | undefined
    quick?: boolean | undefined
    json?: boolean | undefined
    help?: boolean | undefined
  }
  try {
    v = parseArgs({
      options: {
        runs: { type: 'string' },
        ports: { type: 'string' },
        endpoints: { type: 'string' },
        'restart-only': { type: 'boolean' },
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
  const endpoints = v.endpoints === undefined ? (quick ? 100 : RESTART_ENDPOINTS) : Number(v.endpoints)
  if (!Number.isInteger(endpoints) || endpoints < 1 || endpoints > 4000) fail(`--endpoints must be an integer from 1 to 4000, not "${v.endpoints}"`, 2)
  return { runs, warmup: quick ? 1 : 5, json: v.json ?? false, ports, endpoints, restarts: quick ? 1 : RESTARTS, restartOnly: v['restart-only'] ?? false }
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

const log = (line: string) => process.stderr.write(`${line}\n`)
let failed = false

/**
 * Runs `body` in a new world, then destroys it and checks that nothing of
 * it is left; undefined (and the run marked failed) when `body` failed.
 */
const inWorld = async <T>(body: (w: World) => Promise<T>): Promise<T | undefined> => {
  const w = new World()
  try {
    return await body(w)
  } catch (e) {
    failed = true
    log(`bench: ${interrupted ? `interrupted (${interrupted})` : `failed: ${(e as Error).stack ?? String(e)}`}`)
    const daemonLog = w.daemonLog().trim().split('\n').slice(-20).join('\n')
    if (!interrupted && daemonLog) log(`bench: last lines of berthd's log:\n${daemonLog}`)
    return undefined
  } finally {
    await w.destroy()
    const left = leftBehind(w)
    if (left.length > 0) {
      failed = true
      log(`bench: cleanup left things behind:\n  ${left.join('\n  ')}`)
    } else {
      log(`bench: cleaned up (world ${w.id}: no netns, mounts, /etc/netns entries or files left)`)
    }
  }
}

interface Latency {
  readonly rows: Summary[]
  readonly ports: PortResults
  readonly dns: DnsResult[]
}

/** Attach/detach, published ports and DNS, in one world. */
const benchLatency = (opts: Options) =>
  inWorld(async (w): Promise<Latency> => {
    const api = new Api(w.socket)
    try {
      log(`bench: world ${w.id}: starting berthd in netns ${w.host}`)
      await w.start(['--log-level', 'info'])
      checkInterrupt()
      const rows = await benchAttach(w, api, opts, checkInterrupt, log)
      log(`bench: published ports: ${opts.runs} publish cycles, then ${opts.ports} ports kept live`)
      const ports = await benchPorts(api, BERTH_NET.name, opts.runs, opts.ports, checkInterrupt)
      log('bench: embedded DNS')
      const dns = await benchDns(w, api)
      return { rows, ports, dns }
    } finally {
      api.close()
    }
  })

const latencyText = (opts: Options, r: Latency): string[] => {
  const attach = r.rows.find(x => x.operation === 'attach' && x.impl === 'berth')
  return [
    `runs: ${opts.runs} measured per row (after ${opts.warmup} warm-up), interleaved; berth over its unix socket (node:http, keep-alive)`,
    '',
    table(r.rows),
    '',
    `target: berth attach p50 <= 5 ms (now ${attach?.p50Ms.toFixed(2)} ms); netavark ~40 ms, Docker ~175 ms on this VM`,
    "note: on a user-defined network berth's attach includes the embedded DNS (sockets and a DNAT table in the container's netns, one nft process); the ip baselines do not",
    '',
    portsText(r.ports),
    '',
    dnsText(r.dns),
    '',
  ]
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
  const rootBefore = rootLinks()
  const latency = opts.restartOnly ? undefined : await benchLatency(opts)
  let restart: RestartResults | undefined
  if (!interrupted && (opts.restartOnly || latency)) {
    restart = await inWorld(w => benchRestart(w, opts.endpoints, opts.restarts, checkInterrupt, log))
  }
  const rootAfter = rootLinks()
  if (rootAfter.join() !== rootBefore.join()) {
    failed = true
    log(`bench: root netns links changed: ${rootBefore.join(',')} -> ${rootAfter.join(',')}`)
  }
  const info = machine()
  if (opts.json) {
    const json = { machine: info, runs: opts.runs, warmup: opts.warmup, results: latency?.rows, ports: latency?.ports, dns: latency?.dns, restart }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  } else if (latency || restart) {
    const lines = ['', `machine: ${info.cpus} × ${info.cpuModel}, Linux ${info.kernel}, Node ${info.node}`]
    if (latency) lines.push(...latencyText(opts, latency))
    if (restart) lines.push(restartText(restart), '')
    process.stdout.write(`${lines.join('\n')}\n`)
  }
  process.exit(interrupted ? 130 : failed ? 1 : 0)
}

main().catch((e: unknown) => fail(`failed: ${(e as Error).stack ?? String(e)}`))
