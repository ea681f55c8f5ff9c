/**
 * conntrack(8) in the daemon's netns: forgetting the entries of a host port.
 */
import { execa } from 'execa'
import { CommandError } from './exec.js'

/** Deletes entries whose original destination port is `port`; none is fine. */
export const flushConntrack = async (proto: 'tcp' | 'udp', port: number): Promise<void> => {
  const argv = ['-D', '-p', proto, '--orig-port-dst', String(port)]
  const r = await execa('conntrack', argv, { reject: false, timeout: 10_000, stdin: 'ignore' })
  // Exit 1 with "0 flow entries have been deleted" means there was nothing to delete.
  if (r.exitCode === 0 || /0 flow entries/.test(String(r.stderr))) return
  throw new CommandError(['conntrack', ...argv], r.exitCode, String(r.stderr))
}
