/**
 * The VM path (issue 6 item 7) as far as it can be checked without a VM:
 * the Vagrantfile, evaluated by Ruby against a recording stand-in for
 * Vagrant, builds a Debian 12 box provisioned by scripts/bootstrap.sh (and
 * runs `sudo npm test` when asked); scripts/vm-test.sh drives a stand-in
 * `vagrant` through up, the suite and destroy, and passes the suite's
 * status on.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import tap from 'tap'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** Ruby that defines a Vagrant.configure recording the calls, loads the Vagrantfile and prints them as JSON. */
const RECORDER = `
require 'json'
class Rec
  attr_reader :log
  def initialize(log, path) @log, @path = log, path end
  def method_missing(name, *args, **kw, &blk)
    key = (@path + [name.to_s]).join('.')
    @log << { 'call' => key, 'args' => args.map(&:to_s), 'kw' => kw.transform_keys(&:to_s).transform_values(&:to_s) }
    blk.call(Rec.new(@log, [key])) if blk
    Rec.new(@log, [key])
  end
  def respond_to_missing?(*) true end
end
module Vagrant
  def self.configure(_v) log = []; yield Rec.new(log, ['config']); puts JSON.generate(log) end
end
load ARGV[0]
`

const haveRuby = spawnSync('ruby', ['--version']).status === 0

const vagrantfile = (env: Record<string, string>) => {
  const r = spawnSync('ruby', ['-e', RECORDER, path.join(ROOT, 'Vagrantfile')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } })
  if (r.status !== 0) throw new Error(`ruby: ${r.stderr}`)
  return JSON.parse(r.stdout) as { call: string; args: string[]; kw: Record<string, string> }[]
}

tap.test('Vagrantfile: Debian 12, provisioned by the bootstrap npm test uses, the suite on request', { skip: haveRuby ? false : 'ruby is not installed' }, async t => {
  const calls = vagrantfile({})
  t.match(calls.find(c => c.call === 'config.vm.box='), { args: ['debian/bookworm64'] }, 'a Debian 12 box')
  const provisions = calls.filter(c => c.call === 'config.vm.provision')
  t.ok(provisions.some(p => /cd \/vagrant && bash scripts\/bootstrap\.sh/.test(p.kw.inline ?? '')), 'provisioned by scripts/bootstrap.sh')
  t.ok(provisions.some(p => /setup_20\.x/.test(p.kw.inline ?? '')), 'Node 20 (Debian 12 ships 18)')
  t.notOk(provisions.some(p => /npm test/.test(p.kw.inline ?? '')), 'no test run unless asked')
  const synced = calls.find(c => c.call === 'config.vm.synced_folder')
  t.match(synced?.args, ['.', '/vagrant'], 'the checkout is /vagrant')
  t.match(synced?.kw.rsync__exclude, /node_modules\/.*native\/build\//, 'host builds stay out')
  const withTests = vagrantfile({ BERTH_VM_TEST: '1' }).filter(c => c.call === 'config.vm.provision')
  t.ok(withTests.some(p => p.kw.inline === 'cd /vagrant && sudo npm test'), 'BERTH_VM_TEST=1 adds the suite')
  for (const p of provisions.filter(p => p.kw.inline)) {
    t.equal(spawnSync('bash', ['-n'], { input: p.kw.inline }).status, 0, `provisioner ${p.args[0]}: valid bash`)
  }
})

/** Runs vm-test.sh against a stand-in `vagrant` that logs its calls; the VM is `state`, the suite exits `suite`. */
const vmTest = (t: { teardown(fn: () => void): void }, args: string[], state: string, suite: number) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vagrant-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const log = path.join(dir, 'calls')
  fs.writeFileSync(
    path.join(dir, 'vagrant'),
    `#!/bin/sh\necho "$* BERTH_VM_TEST=\${BERTH_VM_TEST:-unset}" >> ${log}\n` +
      `case "$1" in status) echo "1,default,state,${state}";; ssh) exit ${suite};; esac\n`,
    { mode: 0o755 },
  )
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/vm-test.sh'), ...args], {
    encoding: 'utf8',
    env: { PATH: `${dir}:/usr/bin:/bin`, BERTH_VM_TEST: '1' },
  })
  return { code: r.status, out: r.stdout + r.stderr, calls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [] }
}

tap.test('scripts/vm-test.sh: up, the suite, its status, destroy on request', async t => {
  const fresh = vmTest(t, [], 'not_created', 0)
  t.equal(fresh.code, 0, fresh.out)
  t.strictSame(fresh.calls, [
    'status --machine-readable BERTH_VM_TEST=1',
    'up BERTH_VM_TEST=unset',
    "ssh -c cd /vagrant && sudo npm test BERTH_VM_TEST=1",
  ], 'a VM not yet made: up (without the provisioner that would test twice), then the suite')
  const running = vmTest(t, ['--destroy'], 'running', 3)
  t.equal(running.code, 3, 'the suite’s status is the script’s')
  t.strictSame(running.calls.map(c => c.split(' ')[0]), ['status', 'rsync', 'ssh', 'destroy'], 'a running VM: sync, the suite, then destroy')
  t.match(running.out, /suite failed \(exit 3\)/)
  const help = vmTest(t, ['--help'], 'running', 0)
  t.equal(help.code, 0)
  t.match(help.out, /usage: vm-test\.sh/)
  t.strictSame(help.calls, [], 'help touches no VM')
  const bad = vmTest(t, ['--nope'], 'running', 0)
  t.equal(bad.code, 2, 'an unknown argument: exit 2')
  const none = spawnSync('bash', [path.join(ROOT, 'scripts/vm-test.sh')], { encoding: 'utf8', env: { PATH: '/nonexistent:/usr/bin:/bin' } })
  if (spawnSync('sh', ['-c', 'command -v vagrant'], { env: { PATH: '/usr/bin:/bin' } }).status !== 0) {
    t.equal(none.status, 127, 'no vagrant: exit 127')
    t.match(none.stderr, /vagrant is not installed/)
  }
})
