/**
 * Helpers for published-port tests: echo servers in a container that answer
 * with the address they saw, and a client that asks them.
 */
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
