// The embedded DNS under abuse: truncation, malformed and random packets,
// abusive TCP sessions (partial messages, resets mid-message, many
// connections, many queries per connection) — and afterwards it still
// answers correctly, and berthd is still alive.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import t from 'tap'
import { dig, digShort } from '../helpers/dns.js'
import { cannotRun, run, world, type World } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Runs a node script inside the container netns (a client close to the resolver). */
const inNetns = (w: World, c: string, script: string) =>
  run(['ip', 'netns', 'exec', w.ns(c), process.execPath, '--input-type=module', '-e', script], undefined, 30_000)

const api = (w: World, method: string, path: string, body: unknown) =>
  new Promise<number>((resolve, reject) => {
    const req = http.request({ socketPath: w.socket, method, path, headers: { 'Content-Type': 'application/json' } }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })

t.test('truncation, malformed input, fuzz, abusive TCP', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.85.0.0/24', 'fz'])
  await w.ok(['run', '-d', '--name', 'client', '--network', 'fz', '--', 'sleep', '300'])
  // 40 containers sharing one alias: 40 A records do not fit in 512 bytes.
  const codes = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      api(w, 'POST', `/containers/create?name=big${i}`, { NetworkingConfig: { EndpointsConfig: { fz: { Aliases: ['big'] } } }, HostConfig: { NetworkMode: 'fz' } }),
    ),
  )
  t.same(codes, codes.map(() => 201))
  const noedns = await dig(w, 'client', '+noedns', '+ignore', 'big')
  t.match(noedns, /flags: qr tc rd ra;/, 'over 512 bytes without EDNS: TC set')
  t.match(noedns, /ANSWER: 0,/, '… and no records')
  t.equal((await digShort(w, 'client', 'big')).length, 40, 'dig retries over TCP (or EDNS fits): all 40')
  t.equal((await digShort(w, 'client', '+noedns', 'big')).length, 40, 'a truncated answer makes dig retry over TCP: all 40')

  const fuzz = await inNetns(w, 'client', `
    import dgram from 'node:dgram'
    import { randomBytes } from 'node:crypto'
    const s = dgram.createSocket('udp4')
    let answers = 0, formerr = 0
    s.on('message', m => { answers++; if ((m[3] & 15) === 1) formerr++ })
    const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])
    const packets = [Buffer.alloc(0), Buffer.from([1]), randomBytes(11), Buffer.concat([header, Buffer.from([0xff, 0xff])]),
      Buffer.concat([header, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]), ...Array.from({ length: 500 }, () => randomBytes(1 + Math.floor(Math.random() * 600)))]
    for (const p of packets) await new Promise(r => s.send(p, 53, '127.0.0.11', r))
    await new Promise(r => setTimeout(r, 1000))
    console.log(JSON.stringify({ answers, formerr }))
    s.close()
  `)
  const fz = JSON.parse(fuzz.stdout || '{}') as { answers?: number; formerr?: number }
  t.ok((fz.formerr ?? 0) >= 2, `malformed queries with a header get FORMERR (${fz.formerr} of ${fz.answers} answers)`)

  const abuse = await inNetns(w, 'client', `
    import net from 'node:net'
    const open = () => new Promise(r => { const c = net.connect(53, '127.0.0.11'); c.on('connect', () => r(c)); c.on('error', () => r(undefined)) })
    // 1. partial length prefix, then silence; 2. a length with half a message, then reset;
    // 3. a zero length; 4. 100 connections at once.
    const a = await open(); a?.write(Buffer.from([0]))
    const b = await open(); b?.write(Buffer.from([0, 40, 1, 2, 3])); b?.resetAndDestroy()
    const c = await open(); c?.write(Buffer.from([0, 0]))
    const many = await Promise.all(Array.from({ length: 100 }, open))
    const served = await Promise.all(many.map(s => new Promise(r => { if (!s) return r(false); s.once('close', () => r(false)); setTimeout(() => r(!s.destroyed), 300) })))
    for (const s of many) s?.destroy()
    await new Promise(r => setTimeout(r, 200))
    // 5. many queries on one connection, split at odd boundaries
    const q = (id, name) => { const labels = name.split('.').flatMap(l => [Buffer.from([l.length]), Buffer.from(l)]);
      const body = Buffer.concat([Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
      const len = Buffer.alloc(2); len.writeUInt16BE(body.length); return Buffer.concat([len, body]) }
    const d = await open()
    let got = 0
    d.on('data', chunk => { got += chunk.length })
    const stream = Buffer.concat(Array.from({ length: 20 }, (_, i) => q(i, 'client')))
    for (let i = 0; i < stream.length; i += 7) { d.write(stream.subarray(i, i + 7)); await new Promise(r => setTimeout(r, 1)) }
    await new Promise(r => setTimeout(r, 1000))
    console.log(JSON.stringify({ kept: served.filter(Boolean).length, bytes: got }))
    for (const s of [a, c, d]) s?.destroy()
  `)
  const ab = JSON.parse(abuse.stdout || '{}') as { kept?: number; bytes?: number }
  t.ok((ab.kept ?? 100) <= 64, `the connection cap holds: ${ab.kept} of 100 connections kept`)
  t.ok((ab.bytes ?? 0) > 20 * 30, `20 pipelined queries on one connection, split every 7 bytes, all answered (${ab.bytes} bytes)`)
  t.same(await digShort(w, 'client', 'client'), [JSON.parse(await w.ok(['inspect', 'client']))[0].NetworkSettings.Networks.fz.IPAddress], 'afterwards UDP still answers correctly')
  t.equal((await digShort(w, 'client', '+tcp', 'big')).length, 40, 'and TCP too')
  t.equal((await w.cli(['network', 'ls'])).code, 0, 'berthd is alive')
  t.notMatch(w.daemonLog(), /"level":(50|60)/, 'no errors logged')
  void randomBytes
})
