/**
 * The API socket's group, as dockerd's `-G`/`group` does it: members of the
 * group may use berth without root (the socket is root:<group> 0660). The
 * default group `berth` (scripts/install-service.sh creates it) may be
 * missing: then the socket keeps root's group and a warning says why. A
 * group named explicitly must exist.
 */
import type { Logger } from 'pino'
import { invalid } from '../errors.js'
import { CommandError, run } from '../kernel/exec.js'

/** The group used when none is configured. */
export const DEFAULT_SOCKET_GROUP = 'berth'

/**
 * The gid of a group name (or numeric gid), through NSS like ls(1) does
 * (`getent group`: /etc/group, LDAP, sssd…); undefined when unknown.
 */
export const lookupGroup = async (group: string): Promise<number | undefined> => {
  try {
    const line = (await run('getent', ['group', group], 5000)).split('\n')[0] ?? ''
    const gid = Number(line.split(':')[2])
    return Number.isInteger(gid) ? gid : undefined
  } catch (e) {
    // getent(1): exit 2 = "key not found".
    if (!(e instanceof CommandError) || e.exitCode !== 2) throw e
    return /^\d+$/.test(group) ? Number(group) : undefined
  }
}

/**
 * The gid the socket gets for `group` (the configured one, or undefined for
 * the default). undefined: leave it root's. Throws for a missing explicit group.
 */
export const resolveSocketGroup = async (group: string | undefined, log: Logger): Promise<number | undefined> => {
  const gid = await lookupGroup(group ?? DEFAULT_SOCKET_GROUP)
  if (gid !== undefined) return gid
  if (group !== undefined) {
    throw invalid('E_GROUP', `group "${group}" for the API socket does not exist: create it (groupadd --system ${group}) or set another with --group / "group" in daemon.json`)
  }
  log.warn(
    { group: DEFAULT_SOCKET_GROUP },
    `group ${DEFAULT_SOCKET_GROUP} does not exist: the API socket stays root-only (create it with groupadd --system ${DEFAULT_SOCKET_GROUP}, or run scripts/install-service.sh)`,
  )
  return undefined
}
