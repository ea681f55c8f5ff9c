// SIGHUP (`systemctl reload berthd`) reads daemon.json again: reloadable
// keys take effect at once, command-line flags keep winning, restart-only
// keys keep their running value with a warning, and a broken file changes
// nothing while berthd runs on.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { dig } from '../helpers/dns.js'
import { type NotifyListener, listenNotify } from '../helpers/notify-listener.js'
import { cannotRun, world, type World } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Writes the world's daemon.json, sends SIGHUP and waits for the READY=1 that ends the reload; returns its STATUS. */
const reload = async (w: World, n: NotifyListener, file: unknown): Promise<string> => {
  fs.writeFileSync(path.join(w.dir, 'daemon.json'), typeof file === 'string' ? file : JSON.stringify(file))
  const from = n.received.length
  w.signal('SIGHUP')
  await n.waitFor(m => m.fields.RELOADING === '1', from)
  return (await n.waitFor(m => m.fields.READY === '1', from)).fields.STATUS ?? ''
}

/** Waits until berthd's log (written asynchronously) matches `re`. */
const logged = async (w: World, re: RegExp): Promise<string> => {
  for (let i = 0; i < 100 && !re.test(w.daemonLog()); i++) await new Promise(r => setTimeout(r, 50))
  return w.daemonLog()
}

const subnetOf = async (w: World, net: string) => JSON.parse(await w.ok(['network', 'inspect', net]))[0].IPAM.Config[0].Subnet as string
const ttlOf = (answer: string, name: string) => new RegExp(`^${name}\\.\\s+(\\d+)\\s+IN\\s+A\\s`, 'm').exec(answer)?.[1]

t.test('SIGHUP applies daemon.json; flags win; a broken file changes nothing', async t => {
  const w = await world(t, { start: false })
  const n = await listenNotify(t, path.join(w.dir, 'notify.sock'))
  await w.start([], { NOTIFY_SOCKET: path.join(w.dir, 'notify.sock') }) // flags: --dns, --log-level debug
  await n.waitFor(m => m.fields.READY === '1')
  await w.ok(['network', 'create', 'before'])
  t.equal(await subnetOf(w, 'before'), '172.18.0.0/16', 'before: the default pools')
  await w.ok(['network', 'create', '--subnet', '10.78.0.0/24', 'named'])
  await w.ok(['run', '-d', '--name', 'ca', '--network', 'named', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'cb', '--network', 'named', '--', 'sleep', '300'])
  t.equal(ttlOf(await dig(w, 'ca', 'cb'), 'cb'), '600', 'before: TTL 600')

  const foreignBridge = `bt${w.id}x`
  const status = await reload(w, n, {
    'default-address-pools': [{ base: '10.77.0.0/16', size: 24 }],
    'dns-ttl': 42,
    'log-level': 'error', // --log-level debug on the command line wins
    bridge: foreignBridge, // restart-only
  })
  t.equal(status, 'configuration reloaded (dns-ttl, default-address-pools); restart to apply bridge')
  await w.ok(['network', 'create', 'after'])
  const after = await subnetOf(w, 'after')
  t.match(after, /^10\.77\.\d+\.0\/24$/, 'a network created afterwards uses the new pool')
  t.equal(await subnetOf(w, 'before'), '172.18.0.0/16', 'an existing network is untouched')
  t.equal(ttlOf(await dig(w, 'ca', 'cb'), 'cb'), '42', 'the embedded DNS answers with the new TTL at once')
  t.match(await logged(w, /"key":"bridge"/), /"key":"bridge".*configuration key \\"bridge\\" changed: it needs a restart/, 'the restart-only key is named')
  const links = w.ipJson<{ ifname: string }[]>(w.host, ['link']).map(l => l.ifname)
  t.ok(links.includes('berth0') && !links.includes(foreignBridge), 'the default bridge stays what it was')
  await w.cli(['network', 'inspect', `missing${w.id}`])
  const debug = new RegExp(`"level":20.*"path":"/networks/missing${w.id}"`)
  t.match(await logged(w, debug), debug, 'still logging at debug: the flag won over the file')

  for (const [broken, why] of [
    ['{"dns-ttl": 5, ', /cannot read .*daemon\.json/],
    [{ 'dns-ttl': -1 }, /daemon\.json: dns-ttl/],
    [{ 'dns-ttl': 5, 'no-such-key': true }, /no-such-key/],
    [{ 'dns-ttl': 5, group: `nogrp${w.id}` }, new RegExp(`group "nogrp${w.id}" for the API socket does not exist`)],
  ] as const) {
    const failures = (w.daemonLog().match(/configuration reload failed/g) ?? []).length
    const s = await reload(w, n, broken)
    t.match(s, /^configuration reload failed, running with the previous one: /, `${JSON.stringify(broken)}: reported in STATUS`)
    t.match(s, why)
    const failed = new RegExp(`(configuration reload failed, keeping the running configuration.*){${failures + 1}}`, 's')
    t.match(await logged(w, failed), failed, '… logged as an error')
    t.equal(ttlOf(await dig(w, 'ca', 'cb'), 'cb'), '42', '… and the running configuration is kept')
  }
  await w.ok(['network', 'create', 'later'])
  const later = await subnetOf(w, 'later')
  t.match(later, /^10\.77\.\d+\.0\/24$/, 'the pools of the last good reload are still used')
  t.not(later, after)

  t.match(await reload(w, n, '{}'), /^configuration reloaded \(dns-ttl, default-address-pools\)$/, 'an empty file: back to the defaults')
  t.equal(ttlOf(await dig(w, 'ca', 'cb'), 'cb'), '600')
  t.equal(await w.stop(), 0)
})
