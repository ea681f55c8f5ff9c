import tap from 'tap'
import { pino } from 'pino'
import { SystemdNotifier, renderNotification } from '../../../src/daemon/sd-notify.js'

const silent = pino({ level: 'silent' })

tap.test('renderNotification: KEY=value lines, values kept on one line', async t => {
  t.equal(renderNotification({ READY: 1, STATUS: 'serving', MAINPID: 42 }), 'READY=1\nSTATUS=serving\nMAINPID=42')
  t.equal(renderNotification({ STATUS: 'a\n  b\nc' }), 'STATUS=a b c')
  t.equal(renderNotification({ MONOTONIC_USEC: 12n }), 'MONOTONIC_USEC=12')
})

tap.test('fromEnv takes NOTIFY_SOCKET out of the environment and sends there', async t => {
  const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '@sock', PATH: '/bin' }
  const sent: [string, string][] = []
  const n = SystemdNotifier.fromEnv(env, (p, m) => sent.push([p, m]), silent)
  t.strictSame(env, { PATH: '/bin' }, 'children will not see it')
  t.ok(n.enabled)
  n.ready('serving on /run/berth/berth.sock')
  n.reloading('reloading')
  n.stopping('stopping')
  t.strictSame(sent.map(([p]) => p), ['@sock', '@sock', '@sock'])
  t.equal(sent[0]?.[1], `READY=1\nSTATUS=serving on /run/berth/berth.sock\nMAINPID=${process.pid}`)
  t.match(sent[1]?.[1], /^RELOADING=1\nMONOTONIC_USEC=\d+\nSTATUS=reloading$/)
  t.equal(sent[2]?.[1], 'STOPPING=1\nSTATUS=stopping')
})

tap.test('without NOTIFY_SOCKET (or an empty one) nothing is sent', async t => {
  for (const env of [{}, { NOTIFY_SOCKET: '' }] as NodeJS.ProcessEnv[]) {
    const n = SystemdNotifier.fromEnv(env, () => t.fail('sent'), silent)
    t.notOk(n.enabled)
    n.ready('x')
    t.notOk('NOTIFY_SOCKET' in env)
  }
})

tap.test('a failed send is logged, not thrown', async t => {
  const lines: string[] = []
  const log = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) })
  const n = SystemdNotifier.fromEnv({ NOTIFY_SOCKET: '/nowhere' }, () => {
    throw new Error('sendto /nowhere: No such file or directory')
  }, log)
  t.doesNotThrow(() => n.ready('x'))
  t.match(lines.join(''), /could not notify the service manager: sendto \/nowhere: No such file or directory/)
})
