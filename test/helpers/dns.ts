/**
 * DNS test helpers: a fake upstream (dnsmasq in the outside netns, logging
 * who asked) and dig run inside a container's netns.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { OUTSIDE_IP, run, type World } from './world.js'

/** The fake upstream's one name: www.outside.example → 198.51.100.1 (TTL 300). */
export const UPSTREAM_NAME = 'www.outside.example'

/** Starts dnsmasq on OUTSIDE_IP:53 in the outside netns; stopped (by PID) with the test. */
export const startUpstream = async (t: { teardown(fn: () => unknown): void }, w: World): Promise<{ log: () => string }> => {
  const logFile = path.join(w.dir, 'dnsmasq.log')
  const child: ChildProcess = spawn('ip', [
    'netns', 'exec', w.outside, 'dnsmasq', '--no-daemon', '--no-resolv', '--no-hosts', '--user=root',
    `--listen-address=${OUTSIDE_IP}`, '--bind-interfaces', '--local-ttl=300',
    `--address=/${UPSTREAM_NAME}/198.51.100.1`, '--local=/#/', '--log-queries', `--log-facility=${logFile}`,
    `--pid-file=${path.join(w.dir, 'dnsmasq.pid')}`,
  ], { stdio: 'ignore' })
  t.teardown(() => child.kill('SIGKILL'))
  for (let i = 0; i < 50; i++) {
    if ((await run(['ip', 'netns', 'exec', w.outside, 'dig', `@${OUTSIDE_IP}`, '+time=1', '+tries=1', '+short', UPSTREAM_NAME])).stdout.trim()) break
    await new Promise(r => setTimeout(r, 100))
  }
  return { log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '') }
}

/** dig @127.0.0.11 inside a container's netns; returns the whole output. */
export const dig = async (w: World, container: string, ...args: string[]): Promise<string> =>
  (await run(['ip', 'netns', 'exec', w.ns(container), 'dig', '@127.0.0.11', '+time=3', '+tries=1', ...args], undefined, 15_000)).stdout

/** dig +short, as a sorted list of lines. */
export const digShort = async (w: World, container: string, ...args: string[]): Promise<string[]> =>
  (await dig(w, container, '+short', ...args)).split('\n').map(l => l.trim()).filter(Boolean).sort()

/** The `status:` of a dig answer (NOERROR, NXDOMAIN, …). */
export const status = (out: string): string => /status: (\w+)/.exec(out)?.[1] ?? 'none'
