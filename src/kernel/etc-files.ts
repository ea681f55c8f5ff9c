/**
 * The per-netns files ip-netns(8) bind-mounts over /etc when a program runs
 * in the netns (`/etc/netns/<name>/hosts` over `/etc/hosts`, …).
 */
import fs from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes the files of one netns (mode 0644), each atomically (tmp + rename)
 * and only when its content differs. No fsync: they are derived from the
 * state, and reconcile rewrites any that a crash left stale.
 */
export const writeEtcFiles = async (etcNetnsDir: string, netns: string, files: Readonly<Record<string, string>>) => {
  const dir = path.join(etcNetnsDir, netns)
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  await Promise.all(
    Object.entries(files).map(async ([name, content]) => {
      const file = path.join(dir, name)
      const current = await fs.readFile(file, 'utf8').catch(() => undefined)
      if (current === content) return
      const tmp = `${file}.tmp-${process.pid}`
      await fs.writeFile(tmp, content, { mode: 0o644 })
      await fs.rename(tmp, file)
    }),
  )
}

/** Removes the files of one netns; missing is fine. */
export const removeEtcFiles = async (etcNetnsDir: string, netns: string) => {
  await fs.rm(path.join(etcNetnsDir, netns), { recursive: true, force: true })
}
