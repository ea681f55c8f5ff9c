/**
 * Embedded-DNS benchmark (issue 4): queries/s with dnsperf and p50/p99 from
 * the project's own paced client, for local names, asked from inside a
 * container — and the same for aardvark-dns (Debian's, podman's resolver)
 * serving the same names in the same netns, when it is installed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { World } from '../../test/helpers/world.js'
import { run } from '../../test/helpers/world.js'
import type { Api } from '../../test/helpers/api.js'

const AARDVARK = '/usr/lib/podman/aardvark-dns'
const NAMES = ['d1', 'd2', 'd3', 'svc']

/** One resolver's numbers. */
export interface DnsResult {
  readonly server: string
  readonly qps?: number | undefined
  readonly p50Ms?: number | undefined
  readonly p99Ms?: number | undefined
  readonly note?: string | undefined
}

/** A paced UDP client run inside the netns: latency of `count` queries, `outstanding` at a time. */
const latencyScript = (server: string, port: number, count: number, outstanding: number) => `
import dgram from 'node:dgram'
const names = ${JSON.stringify(NAMES)}
const q = (id, name) => Buffer.concat([Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, name.length]), Buffer.from(name), Buffer.from([0, 0, 1, 0, 1])])
const s = dgram.createSocket('udp4'); const sent = new Map(); const lat = []; let next = 0
const fire = () => { if (next >= ${count}) return; const id = next++ & 0xffff; sent.set(id, process.hrtime.bigint()); s.send(q(id, names[id % names.length]), ${port}, '${server}') }
s.on('message', m => { const id = m.readUInt16BE(0); const t = sent.get(id); if (t === undefined) return; sent.delete(id); lat.push(Number(process.hrtime.bigint() - t) / 1e6); if (lat.length === ${count}) done(); else fire() })
const done = () => { lat.sort((a, b) => a - b); console.log(JSON.stringify({ p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)] })); process.exit(0) }
setTimeout(() => { console.log(JSON.stringify({ lost: ${count} - lat.length })); process.exit(0) }, 20000)
for (let i = 0; i < ${outstanding}; i++) fire()
`

/** dnsperf and the paced client against server:port from the netns. */
const measure = async (netns: string, server: string, port: number, dir: string, name: string): Promise<DnsResult> => {
  const queries = path.join(dir, 'queries.txt')
  fs.writeFileSync(queries, NAMES.map(n => `${n} A\n`).join(''))
  const perf = await run(['ip', 'netns', 'exec', netns, 'dnsperf', '-s', server, '-p', String(port), '-d', queries, '-l', '5', '-q', '100'], undefined, 30_000)
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(perf.stdout)?.[1] ?? NaN)
  const lat = await run(['ip', 'netns', 'exec', netns, process.execPath, '--input-type=module', '-e', latencyScript(server, port, 20000, 20)], undefined, 30_000)
  const l = JSON.parse(lat.stdout || '{}') as { p50?: number; p99?: number; lost?: number }
  return { server: name, qps, p50Ms: l.p50, p99Ms: l.p99, note: l.lost ? `${l.lost} of 20000 unanswered` : perf.code !== 0 ? perf.stderr.trim() : undefined }
}

/** Starts aardvark-dns in the host netns serving the same names on gateway:5353. */
const startAardvark = async (w: World, gateway: string, members: { id: string; ip: string; names: string[] }[]): Promise<ChildProcess | undefined> => {
  if (!fs.existsSync(AARDVARK)) return undefined
  const dir = path.join(w.dir, 'aardvark')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'dnsnet'), [gateway, ...members.map(m => `${m.id} ${m.ip}  ${m.names.join(',')}`)].join('\n') + '\n')
  const child = spawn('nsenter', [`--net=/run/netns/${w.host}`, AARDVARK, '--config', dir, '-p', '5353', 'run'], { stdio: 'ignore' })
  await new Promise(r => setTimeout(r, 500))
  return child
}

/** Runs the DNS benchmark in world `w`. */
export const benchDns = async (w: World, api: Api): Promise<DnsResult[]> => {
  await api.expect(201, 'POST', '/networks/create', { Name: 'dnsnet', IPAM: { Config: [{ Subnet: '10.202.0.0/24', Gateway: '10.202.0.1' }] } })
  const members: { id: string; ip: string; names: string[] }[] = []
  for (const [name, aliases] of [['dq', []], ['d1', ['svc']], ['d2', ['svc']], ['d3', ['svc']]] as const) {
    const r = await api.expect(201, 'POST', `/containers/create?name=${name}`, {
      HostConfig: { NetworkMode: 'dnsnet' },
      NetworkingConfig: { EndpointsConfig: { dnsnet: { Aliases: aliases } } },
    })
    const id = (JSON.parse(r.body) as { Id: string }).Id
    const info = JSON.parse((await api.expect(200, 'GET', `/containers/${id}/json`)).body) as { NetworkSettings: { Networks: { dnsnet: { IPAddress: string } } } }
    members.push({ id: id.slice(0, 16), ip: info.NetworkSettings.Networks.dnsnet.IPAddress, names: [name, ...aliases] })
  }
  const results = [await measure(w.ns('dq'), '127.0.0.11', 53, w.dir, 'berth (127.0.0.11)')]
  const aardvark = await startAardvark(w, '10.202.0.1', members)
  if (!aardvark) results.push({ server: 'aardvark-dns', note: `not installed (${AARDVARK}): apt-get install aardvark-dns` })
  else {
    try {
      results.push(await measure(w.ns('dq'), '10.202.0.1', 5353, w.dir, 'aardvark-dns 1.4 (gateway:5353)'))
    } finally {
      aardvark.kill('SIGKILL')
    }
  }
  return results
}

/** The results as text. */
export const dnsText = (rows: readonly DnsResult[]): string =>
  [
    'embedded DNS, local names from inside a container (dnsperf 100 outstanding; p50/p99 from a paced client, 20 outstanding):',
    ...rows.map(r =>
      `  ${r.server.padEnd(32)} ${r.qps === undefined || Number.isNaN(r.qps) ? '' : `${Math.round(r.qps)} q/s`}` +
      `${r.p50Ms === undefined ? '' : `  p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms?.toFixed(3)} ms`}${r.note ? `  (${r.note})` : ''}`,
    ),
    '  goal: >= 50k q/s on 2 cores, p99 <= 2 ms',
  ].join('\n')
