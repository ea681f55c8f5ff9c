/**
 * packaging/berthd.service: systemd accepts it without a warning, and it
 * keeps the promises the daemon is built around (readiness, reload by
 * SIGHUP, live restore, netns visible to the host).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import tap from 'tap'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const UNIT = path.join(ROOT, 'packaging/berthd.service')
const INSTALLED_MAIN = '/opt/berth/dist/src/daemon/main.js'

/** The [Service] assignments: key → values in order (a key may repeat). */
const serviceSection = (text: string): Map<string, string[]> => {
  const out = new Map<string, string[]>()
  let section = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    if (line.startsWith('[')) {
      section = line
      continue
    }
    const eq = line.indexOf('=')
    if (section !== '[Service]' || eq < 0) continue
    const key = line.slice(0, eq)
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)])
  }
  return out
}

const text = fs.readFileSync(UNIT, 'utf8')
const service = serviceSection(text)
const one = (key: string) => service.get(key)?.at(-1)

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' })
tap.test('systemd-analyze verify: no warning about the unit', { skip: analyze.status === 0 ? false : 'systemd-analyze is missing (apt install systemd)' }, async t => {
  // verify checks that ExecStart's program exists, not its arguments: point
  // both at this checkout (what install-service.sh's /opt/berth links to).
  t.ok(text.includes(`/usr/bin/node ${INSTALLED_MAIN}`), 'ExecStart runs the installed checkout with /usr/bin/node')
  const main = path.join(ROOT, 'dist/src/daemon/main.js')
  t.ok(fs.existsSync(main), `${main} is built`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const copy = path.join(dir, 'berthd.service')
  fs.writeFileSync(copy, text.replace(`/usr/bin/node ${INSTALLED_MAIN}`, `${process.execPath} ${main}`))

  const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 })
  // Units it loads along (After=) may have problems of their own: only the
  // lines about berthd count.
  const about = `${r.stdout}\n${r.stderr}`.split('\n').filter(l => l.includes(copy) || l.includes('berthd.service'))
  t.equal(r.status, 0, `verify exits 0: ${r.stderr}`)
  t.strictSame(about, [], 'no warning about berthd.service')
})

tap.test('readiness and reload: Type=notify from berthd alone, reload = SIGHUP to it', async t => {
  t.equal(one('Type'), 'notify', 'systemctl start returns once berthd says READY=1')
  t.equal(one('NotifyAccess'), 'main', 'container processes cannot notify for it')
  t.equal(one('ExecReload'), '/bin/kill -s HUP $MAINPID')
  t.equal(one('Restart'), 'on-failure')
})

tap.test('live restore: stopping berthd leaves the container processes in its cgroup', async t => {
  t.equal(one('KillMode'), 'process')
  t.equal(one('TasksMax'), 'infinity')
})

tap.test('no namespace of its own: netns mounts must reach the host, and setns/nft must work', async t => {
  // Most of these make systemd run the unit in its own mount namespace,
  // from which mounts do not propagate back (systemd.exec(5), PrivateMounts=):
  // /run/netns/<name> would exist only for berthd and its children. The
  // rest take away the root netns, netns creation or root itself.
  const isolating = [
    'PrivateMounts', 'PrivateTmp', 'PrivateDevices', 'ProtectSystem', 'ProtectHome', 'ProtectKernelTunables',
    'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectProc', 'ProcSubset',
    'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths', 'TemporaryFileSystem',
    'BindPaths', 'BindReadOnlyPaths', 'RootDirectory', 'RootImage', 'MountAPIVFS', 'PrivateNetwork',
    'NetworkNamespacePath', 'RestrictNamespaces', 'PrivateUsers', 'DynamicUser',
  ]
  const found = isolating.filter(k => service.has(k) && !['no', 'false', ''].includes(one(k) ?? ''))
  t.strictSame(found, [], 'none is set')
})
