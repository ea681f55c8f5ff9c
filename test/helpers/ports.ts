/**
 * Helpers for published-port tests: echo servers in a container that answer
 * with the address they saw, a client that asks them, and a TCP connection
 * held open across an outage.
 */
import { spawn } from 'node:child_process'
import { run, type World } from './world.js'

/** A container command: echo servers answering with the peer address. */
export const ECHO_SERVERS =
  "socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' & " +
  "socat TCP-LISTEN:81,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' & " +
  "socat UDP-LISTEN:90,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' & wait"

/** What a TCP (or UDP) client in `netns` gets back from ip:port ('' = nothing). */
export const ask = async (w: World, netns: string, ip: string, port: number, proto: 'tcp' | 'udp' = 'tcp') => {
  const target = proto === 'tcp' ? `TCP:${ip}:${port},connect-timeout=2` : `UDP:${ip}:${port}`
  return (await run(['ip', 'netns', 'exec', netns, 'sh', '-c', `echo x | socat -T2 - ${target}`], undefined, 10_000)).stdout.trim()
}

/** Starts a web container with the echo servers on `net`, publishing `ports`. */
export const startWeb = async (w: World, name: string, net: string, ports: string[]) => {
  await w.ok(['run', '-d', '--name', name, '--network', net, ...ports.flatMap(p => ['-p', p]), '--', 'sh', '-c', ECHO_SERVERS])
  // Ready when both the TCP and the UDP echo servers answer from inside.
  for (let i = 0; i < 50 && (await ask(w, w.ns(name), '127.0.0.1', 80)) === ''; i++) await new Promise(r => setTimeout(r, 50))
  for (let i = 0; i < 50 && (await ask(w, w.ns(name), '127.0.0.1', 90, 'udp')) === ''; i++) await new Promise(r => setTimeout(r, 50))
}

/**
 * Like ask(), for an answer that should come: asks up to 3 times (a loaded
 * machine can miss one 2 s window). Checks for silence use ask() once.
 */
export const answer = async (w: World, netns: string, ip: string, port: number, proto: 'tcp' | 'udp' = 'tcp') => {
  let got = ''
  for (let i = 0; i < 3 && got === ''; i++) got = await ask(w, netns, ip, port, proto)
  return got
}

/** A TCP connection held open by a socat client in a netns (started and killed by PID here). */
export interface HeldConnection {
  /** Sends `line` and resolves true when it comes back (the far side echoes). */
  echo(line: string, timeoutMs?: number): Promise<boolean>
  close(): void
}

/**
 * Opens one TCP connection from `netns` to ip:port and keeps it open until
 * close() or the test's end; the far side must echo (e.g. `socat … EXEC:cat`).
 */
export const holdConnection = (t: { teardown(fn: () => unknown): void }, netns: string, ip: string, port: number): HeldConnection => {
  const child = spawn('ip', ['netns', 'exec', netns, 'socat', '-', `TCP:${ip}:${port},connect-timeout=2`], { stdio: ['pipe', 'pipe', 'ignore'] })
  let seen = ''
  child.stdout.on('data', (d: Buffer) => (seen += d.toString()))
  child.stdin.on('error', () => {}) // a closed connection shows as a missing echo
  const close = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  t.teardown(close)
  return {
    close,
    echo: async (line, timeoutMs = 3000) => {
      if (child.exitCode !== null || child.signalCode !== null) return false
      child.stdin.write(`${line}\n`)
      const end = Date.now() + timeoutMs
      while (!seen.includes(`${line}\n`)) {
        if (Date.now() > end) return false
        await new Promise(r => setTimeout(r, 20))
      }
      return true
    },
  }
}
