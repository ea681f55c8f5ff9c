/**
 * sysctls of the daemon's own netns (/proc/sys/net is per network namespace:
 * it shows the netns of the process that opens it).
 */
import { closeSync, writeSync } from 'node:fs'
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

/** /proc/sys/<path…> (segments, so device names with dots work). */
export const sysctlFile = (path: readonly string[]): string => {
  if (path.some(p => p.includes('/') || p === '..')) throw new TypeError(`bad sysctl path ${path.join('.')}`)
  return `/proc/sys/${path.join('/')}`
}

/** Writes a sysctl of the daemon's own netns. */
export const writeSysctl = async (path: readonly string[], value: string): Promise<void> => {
  await fs.writeFile(sysctlFile(path), value)
}

/** Writes a sysctl through an fd opened inside another netns, and closes it. */
export const writeSysctlFd = (fd: number, value: string): void => {
  try {
    writeSync(fd, value)
  } finally {
    closeSync(fd)
  }
}
