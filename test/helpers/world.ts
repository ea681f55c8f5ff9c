/**
 * A throwaway world per test (TESTING.md): a private "host" netns in which
 * the test's own berthd runs, an "outside" netns joined to it by a veth
 * (198.51.100.0/24, standing for the LAN/internet), its own data and exec
 * roots in a temp dir and a unique netns prefix. Nothing touches the root
 * netns; teardown kills only processes this world started and removes
 * everything it made.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout: the nearest directory holding package.json above this file (test/helpers or dist/test/helpers). */
const findRoot = (from: string): string => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}
const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)))
const DAEMON = path.join(ROOT, 'dist/src/daemon/main.js')
export const CLI = path.join(ROOT, 'dist/src/cli/main.js')

export const HOST_IP = '198.51.100.1'
export const OUTSIDE_IP = '198.51.100.2'

/** Why a root-only test cannot run here, or undefined when it can. */
export const cannotRun = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'requires root (CAP_NET_ADMIN, netns)'
  if (!fs.existsSync(DAEMON)) return 'dist/ is not built: run `npm test` (it builds first)'
  return undefined
}

/** Result of a command. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command synchronously (argv, no shell). */
export const sh = (argv: readonly string[], input?: string, timeoutMs = 20_000): Run => {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { input, encoding: 'utf8', timeout: timeoutMs })
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** Runs a command asynchronously (does not block the test's event loop). */
export const run = (argv: readonly string[], input?: string, timeoutMs = 20_000): Promise<Run> =>
  new Promise(resolve => {
    const child = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', e => (stderr += String(e)))
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code: code ?? 128, stdout, stderr })
    })
    child.stdin.end(input)
  })

const must = (r: Run, what: string): Run => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`)
  return r
}

/** One test's private world. */
export class World {
  readonly id = randomBytes(3).toString('hex')
  readonly host = `bt${this.id}h`
  readonly outside = `bt${this.id}o`
  readonly prefix = `bt${this.id}-`
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-test-${this.id}-`))
  readonly dataRoot = path.join(this.dir, 'data')
  readonly execRoot = path.join(this.dir, 'run')
  readonly socket = path.join(this.execRoot, 'berth.sock')
  #daemon: ChildProcess | undefined
  #daemonLog = path.join(this.dir, 'berthd.log')

  constructor() {
    try {
      this.#build()
    } catch (e) {
      sh(['ip', 'netns', 'del', this.host])
      sh(['ip', 'netns', 'del', this.outside])
      fs.rmSync(this.dir, { recursive: true, force: true })
      throw e
    }
  }

  #build(): void {
    const ip = (...a: string[]) => must(sh(['ip', ...a]), `ip ${a.join(' ')}`)
    ip('netns', 'add', this.host)
    ip('netns', 'add', this.outside)
    for (const ns of [this.host, this.outside]) ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('link', 'add', 'eth0', 'netns', this.host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.outside)
    ip('-n', this.host, 'addr', 'add', `${HOST_IP}/24`, 'dev', 'eth0')
    ip('-n', this.outside, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'eth0')
    ip('-n', this.host, 'link', 'set', 'eth0', 'up')
    ip('-n', this.outside, 'link', 'set', 'eth0', 'up')
    ip('-n', this.host, 'route', 'add', 'default', 'via', OUTSIDE_IP)
    fs.writeFileSync(path.join(this.dir, 'daemon.json'), '{}\n')
  }

  /** The daemon's command line for this world (run it in the host netns). */
  daemonArgv(extra: readonly string[] = []): string[] {
    return [
      process.execPath,
      DAEMON,
      '--config-file', path.join(this.dir, 'daemon.json'),
      '--data-root', this.dataRoot,
      '--exec-root', this.execRoot,
      '--netns-prefix', this.prefix,
      '--dns', OUTSIDE_IP,
      '--log-level', 'debug',
      ...extra,
    ]
  }

  /** Starts berthd in the host netns (`env` added to its environment) and waits until it answers. */
  async start(extra: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<void> {
    const out = fs.openSync(this.#daemonLog, 'a')
    this.#daemon = spawn('nsenter', [`--net=/run/netns/${this.host}`, ...this.daemonArgv(extra)], {
      stdio: ['ignore', out, out],
      env: { ...process.env, ...env },
    })
    fs.closeSync(out)
    const daemon = this.#daemon
    for (let i = 0; i < 200; i++) {
      if (daemon.exitCode !== null) throw new Error(`berthd exited ${daemon.exitCode}: ${this.daemonLog()}`)
      if (await this.#answers()) return
      await new Promise(r => setTimeout(r, 50))
    }
    throw new Error(`berthd did not come up: ${this.daemonLog()}`)
  }

  /** True when the daemon answers on its socket (cheaper than a CLI process per poll). */
  #answers(): Promise<boolean> {
    return new Promise(resolve => {
      const req = http.request({ socketPath: this.socket, path: '/_ping', headers: { Host: 'berth' }, timeout: 2_000 }, res => {
        res.resume()
        resolve(res.statusCode === 200)
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(false))
      req.end()
    })
  }

  /** Stops berthd (SIGTERM by PID; SIGKILL with `kill`); resolves to its exit code (null: killed by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const d = this.#daemon
    this.#daemon = undefined
    if (!d) return null
    if (d.exitCode !== null || d.signalCode !== null) return d.exitCode
    const exited = new Promise<number | null>(r => d.once('exit', code => r(code)))
    d.kill(signal)
    return exited
  }

  /** berthd's PID (nsenter execs it), while it runs. */
  get daemonPid(): number | undefined {
    return this.#daemon?.pid
  }

  /** Sends a signal to berthd (by PID) without waiting. */
  signal(signal: NodeJS.Signals): void {
    this.#daemon?.kill(signal)
  }

  /** Waits until berthd exits by itself; its exit code, or undefined after `timeoutMs`. */
  async waitExit(timeoutMs = 10_000): Promise<number | null | undefined> {
    const d = this.#daemon
    if (!d) return undefined
    if (d.exitCode !== null) return d.exitCode
    const code = await new Promise<number | null | undefined>(resolve => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs)
      d.once('exit', c => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    if (code !== undefined) this.#daemon = undefined
    return code
  }

  daemonLog(): string {
    return fs.existsSync(this.#daemonLog) ? fs.readFileSync(this.#daemonLog, 'utf8') : ''
  }

  /** Runs the berth CLI against this world's daemon. */
  cli(args: readonly string[], input?: string): Promise<Run> {
    return run([process.execPath, CLI, '-H', `unix://${this.socket}`, ...args], input)
  }

  /** Like cli() but fails the test on a non-zero exit. */
  async ok(args: readonly string[]): Promise<string> {
    return must(await this.cli(args), `berth ${args.join(' ')}`).stdout.trim()
  }

  /** Runs a command in a netns. */
  in(netns: string, argv: readonly string[], timeoutMs?: number): Promise<Run> {
    return run(['ip', 'netns', 'exec', netns, ...argv], undefined, timeoutMs)
  }

  /** The netns of a container. */
  ns(container: string): string {
    return `${this.prefix}${container}`
  }

  /** `ip -j` output in a netns. */
  ipJson<T = unknown>(netns: string, args: readonly string[]): T {
    return JSON.parse(must(sh(['ip', '-n', netns, '-j', ...args]), `ip ${args.join(' ')}`).stdout || '[]') as T
  }

  /** One ping from a container's netns; true when answered. */
  async ping(netns: string, ip: string): Promise<boolean> {
    return (await this.in(netns, ['ping', '-c1', '-W1', ip])).code === 0
  }

  /** Everything this world's berth could leave behind, counters masked. */
  snapshot(): Record<string, unknown> {
    const nft = sh(['ip', 'netns', 'exec', this.host, 'nft', 'list', 'ruleset']).stdout
    const etc = fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter(n => n.startsWith(this.prefix)) : []
    const containers = path.join(this.dataRoot, 'containers')
    return {
      netns: sh(['ip', 'netns', 'list']).stdout.split('\n').filter(l => l.startsWith(this.prefix)).sort(),
      links: this.ipJson<{ ifname: string }[]>(this.host, ['link']).map(l => l.ifname).sort(),
      // IPv6 link-local addresses come and go with carrier; the kernel makes them.
      addrs: this.ipJson<{ ifname: string; addr_info: { local: string }[] }[]>(this.host, ['addr'])
        .map(a => `${a.ifname}:${a.addr_info.map(i => i.local).filter(ip => !ip.startsWith('fe80:')).join(',')}`)
        .sort(),
      // "linkdown" follows the bridge's carrier, which is state, not an object.
      routes: sh(['ip', '-n', this.host, 'route']).stdout.replace(/ linkdown/g, '').split('\n').map(l => l.trim()).sort(),
      nft: nft.replace(/packets \d+ bytes \d+/g, 'packets N bytes N'),
      etc,
      containerDirs: fs.existsSync(containers) ? fs.readdirSync(containers) : [],
    }
  }

  /** Removes everything: daemon, container processes, netns, files. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL')
    for (const ns of sh(['ip', 'netns', 'list']).stdout.split('\n').map(l => l.split(' ')[0] ?? '')) {
      if (!ns.startsWith(this.prefix)) continue
      for (const pid of sh(['ip', 'netns', 'pids', ns]).stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          // already gone
        }
      }
      sh(['ip', 'netns', 'del', ns])
    }
    if (fs.existsSync('/etc/netns')) {
      for (const d of fs.readdirSync('/etc/netns').filter(n => n.startsWith(this.prefix))) {
        fs.rmSync(path.join('/etc/netns', d), { recursive: true, force: true })
      }
    }
    sh(['ip', 'netns', 'del', this.host])
    sh(['ip', 'netns', 'del', this.outside])
    // A daemon killed with SIGKILL cannot release its netns-prefix lock.
    fs.rmSync(`/run/lock/berth-netns-${this.prefix}.pid`, { force: true })
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Creates a world (and its daemon unless `start: false`) torn down with the test. */
export const world = async (
  t: { teardown(fn: () => unknown): void },
  opts: { start?: boolean; args?: readonly string[] } = {},
): Promise<World> => {
  const w = new World()
  t.teardown(() => w.destroy())
  if (opts.start !== false) await w.start(opts.args)
  return w
}
