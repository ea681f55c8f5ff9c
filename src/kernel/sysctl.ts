/**
 * sysctls of the daemon's own netns (/proc/sys/net is per network namespace:
 * it shows the netns of the process that opens it).
 */
import fs from 'node:fs/promises'

const pathOf = (key: string) => `/proc/sys/${key.replace(/\./g, '/')}`

/** Reads a sysctl, e.g. `net.ipv4.ip_forward`. */
export const readSysctl = async (key: string): Promise<string> =>
  (await fs.readFile(pathOf(key), 'utf8')).trim()

/** Writes a sysctl when it differs; returns the previous value. */
export const ensureSysctl = async (key: string, value: string): Promise<string> => {
  const previous = await readSysctl(key)
  if (previous !== value) await fs.writeFile(pathOf(key), value)
  return previous
}

/** Writes /proc/sys/<path…> (segments, so device names with dots work). */
export const writeSysctl = async (path: readonly string[], value: string): Promise<void> => {
  if (path.some(p => p.includes('/') || p === '..')) throw new TypeError(`bad sysctl path ${path.join('.')}`)
  await fs.writeFile(`/proc/sys/${path.join('/')}`, value)
}
