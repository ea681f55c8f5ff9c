/**
 * The raw baselines: the kernel work of berth's attach/detach done by
 * `ip` itself, once as one process per command ("ip script") and once
 * through as few `ip -batch -` processes as the commands allow.
 *
 * Every command runs with the bench's private host netns or the sandbox
 * netns as its context (`ip -n`); the only context-free command is
 * `netns add`, which creates a namespace and changes nothing in the
 * caller's. It cannot run inside `ip -n HOST`: that process sits in a
 * private mount namespace, so its bind mount of the new netns would not be
 * visible outside. Batch lines cannot carry `-n`, hence three processes for
 * attach (no context, HOST, the sandbox) and one for detach.
 */
import { spawnSync } from 'node:child_process'

/** Where the baselines work: a bridge of their own in the host netns. */
export interface BaselineNet {
  readonly host: string
  readonly bridge: string
  readonly gateway: string
  readonly prefix: number
}

/** One sandbox of a baseline: its netns, host-side veth and address. */
export interface Sandbox {
  readonly netns: string
  readonly veth: string
  readonly ip: string
}

/** Runs `ip` with `args` (and `input` on stdin); throws on failure. */
export const ip = (args: readonly string[], input?: string): void => {
  const r = spawnSync('ip', args, { input, encoding: 'utf8', timeout: 20_000 })
  if (r.status !== 0) {
    throw new Error(`ip ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || String(r.error ?? '')).trim()}${input ? `\n${input}` : ''}`)
  }
}

/** Creates the baselines' bridge (done once, outside the timings). */
export const setupBaselineNet = (n: BaselineNet): void => {
  ip(['-n', n.host, 'link', 'add', n.bridge, 'type', 'bridge'])
  ip(['-n', n.host, 'addr', 'add', `${n.gateway}/${n.prefix}`, 'dev', n.bridge])
  ip(['-n', n.host, 'link', 'set', n.bridge, 'up'])
}

const hostSide = (n: BaselineNet, s: Sandbox): string[][] => [
  ['link', 'add', s.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', s.netns],
  ['link', 'set', s.veth, 'master', n.bridge, 'up'],
]

const sandboxSide = (n: BaselineNet, s: Sandbox): string[][] => [
  ['link', 'set', 'lo', 'up'],
  ['addr', 'add', `${s.ip}/${n.prefix}`, 'dev', 'eth0'],
  ['link', 'set', 'eth0', 'up'],
  ['route', 'add', 'default', 'via', n.gateway],
]

/** Attach, one `ip` process per command. */
export const scriptAttach = (n: BaselineNet, s: Sandbox): void => {
  ip(['netns', 'add', s.netns])
  const [lo, ...rest] = sandboxSide(n, s)
  ip(['-n', s.netns, ...(lo ?? [])])
  for (const cmd of hostSide(n, s)) ip(['-n', n.host, ...cmd])
  for (const cmd of rest) ip(['-n', s.netns, ...cmd])
}

/** Detach, one `ip` process per command. */
export const scriptDetach = (n: BaselineNet, s: Sandbox): void => {
  ip(['-n', n.host, 'link', 'del', s.veth])
  ip(['netns', 'del', s.netns])
}

const lines = (cmds: readonly string[][]) => cmds.map(c => `${c.join(' ')}\n`).join('')

/** Attach through three `ip -batch -` processes. */
export const batchAttach = (n: BaselineNet, s: Sandbox): void => {
  ip(['-batch', '-'], lines([['netns', 'add', s.netns]]))
  ip(['-n', n.host, '-batch', '-'], lines(hostSide(n, s)))
  ip(['-n', s.netns, '-batch', '-'], lines(sandboxSide(n, s)))
}

/**
 * Detach through one `ip -n HOST -batch -` process. Its `netns del` unmounts
 * in that process's private mount namespace, and the unlink that follows
 * detaches the netns mount everywhere else (checked after the run).
 */
export const batchDetach = (n: BaselineNet, s: Sandbox): void => {
  ip(['-n', n.host, '-batch', '-'], lines([['link', 'del', s.veth], ['netns', 'del', s.netns]]))
}
