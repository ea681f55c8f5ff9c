// Who may use the API socket: berthd hands it to its --group (0660), the
// CLI run by anyone else is refused with a message that says what to do and
// a non-zero exit. The CLI runs as `nobody` through setpriv(1); it keeps only
// CAP_DAC_READ_SEARCH (ambient) so it can load this checkout and reach the
// socket wherever the test's temp dir lives: that capability reads files
// and searches directories but never grants the write permission that
// connect(2) needs on a unix socket.
import t from 'tap'
import { CLI, cannotRun, type Run, run, sh, type World, world } from '../helpers/world.js'

const GROUP = 'users' // base-passwd's gid 100, which nobody does not belong to

const skip = cannotRun() ?? (sh(['setpriv', '--version']).code === 0 ? undefined : 'setpriv (util-linux) is missing')
if (skip) t.plan(0, skip)

/** `berth network ls` against the world's daemon, as nobody (plus `groups`, if any). */
const asNobody = (w: World, groups: readonly number[] = []): Promise<Run> =>
  run([
    // A user's plain environment: none of tap's hooks (NODE_OPTIONS) that write into the checkout.
    'env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
    'setpriv', '--reuid=nobody', '--regid=nogroup',
    ...(groups.length > 0 ? [`--groups=${groups.join(',')}`] : ['--clear-groups']),
    '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search',
    process.execPath, CLI, '-H', `unix://${w.socket}`, 'network', 'ls',
  ])

const gidOf = (group: string): number => Number(sh(['getent', 'group', group]).stdout.split(':')[2])

t.test('a user outside the socket group is refused with what to do; a member gets in', async t => {
  const gid = gidOf(GROUP)
  t.ok(Number.isInteger(gid), `group ${GROUP} exists`)
  const w = await world(t, { args: ['--group', GROUP] })

  const refused = await asNobody(w)
  t.equal(refused.code, 1, 'exit code 1')
  t.equal(
    refused.stderr.trim(),
    `permission denied while trying to connect to the berth daemon socket at unix://${w.socket}: ` +
      `run as root (sudo berth …) or as a member of the "${GROUP}" group (usermod -aG ${GROUP} <user>, then log in again)`,
  )
  t.equal(refused.stdout, '', 'nothing on stdout')

  const member = await asNobody(w, [gid])
  t.equal(member.code, 0, `a member of ${GROUP} may use berth: ${member.stderr}`)
  t.match(member.stdout, /\bbridge\s+bridge\s+local\b/)
})

t.test('a socket left to root says how to open it to a group', async t => {
  const w = await world(t, { args: ['--group', 'root'] })
  const refused = await asNobody(w)
  t.equal(refused.code, 1, 'exit code 1')
  t.match(
    refused.stderr,
    /^permission denied while trying to connect to the berth daemon socket at unix:\/\/\S+: run as root \(sudo berth …\); to let a group use berth, start berthd with --group <group>/,
  )
})
