// Sandboxes' processes: run (attached and detached), logs, exit status in
// ps/inspect, exec with stdio and exit code passed through, rm and rm -f.
import t from 'tap'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('run, logs, exit status, exec, rm', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', 'n1'])

  const attached = await w.cli(['run', '--name', 'once', '--network', 'n1', '--', 'sh', '-c', 'echo out; echo err >&2; ip -4 -o addr show eth0; exit 7'])
  t.equal(attached.code, 7, 'run without -d exits with the command status')
  t.match(attached.stdout, /out\nerr\n.*inet 172\.\d+\.0\.2\/16/s, 'run prints the output, inside the netns')
  t.match(await w.ok(['logs', 'once']), /out\nerr/, 'logs replays the output')
  const once = JSON.parse(await w.ok(['inspect', 'once']))[0]
  t.match(once.State, { Status: 'exited', Running: false, ExitCode: 7 })
  t.match(await w.ok(['ps', '-a']), /once\s+"sh -c echo out.*"\s+.*Exited \(7\)/, 'ps -a shows the exit status')
  t.notMatch(await w.ok(['ps']), /once/, 'ps hides exited containers')

  await w.ok(['run', '-d', '--name', 'svc', '--network', 'n1', '--hostname', 'apollo', '--', 'sleep', '300'])
  const ex = await w.cli(['exec', 'svc', '--', 'sh', '-c', 'cat; echo to-stderr >&2; hostname -I; exit 3'], 'from-stdin\n')
  t.equal(ex.code, 3, 'exec passes the exit code through')
  t.match(ex.stdout, /^from-stdin\n172\.\d+\.0\.3 \n?$/, 'exec passes stdin and stdout through, in the netns')
  t.equal(ex.stderr, 'to-stderr\n', 'exec passes stderr through')
  t.match((await w.cli(['exec', 'svc', '--', 'cat', '/etc/hosts'])).stdout, /172\.\d+\.0\.3\tapollo\n$/, '/etc/hosts has the container line')
  t.equal((await w.cli(['exec', 'svc', '--', 'cat', '/etc/hostname'])).stdout, 'apollo\n')
  t.equal((await w.cli(['exec', 'svc', '--', 'no-such-command'])).code, 127, 'a missing command exits 127')

  const rm = await w.cli(['rm', 'svc'])
  t.equal(rm.code, 1)
  t.match(rm.stderr, /You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove/)
  const pid = JSON.parse(await w.ok(['inspect', 'svc']))[0].State.Pid as number
  t.ok(pid > 0)
  await w.ok(['rm', '-f', 'svc', 'once'])
  t.throws(() => process.kill(pid, 0), 'rm -f killed the process')
  t.equal(await w.ok(['ps', '-a', '-q']), '', 'no containers left')
  t.equal((await w.cli(['inspect', 'svc'])).stderr.trim(), 'Error: No such container: svc')
})
