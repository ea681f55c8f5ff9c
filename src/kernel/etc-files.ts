/**
 * The per-netns files ip-netns(8) bind-mounts over /etc when a program runs
 * in the netns (`/etc/netns/<name>/hosts` over `/etc/hosts`, …).
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from '../state/store.js'

/** Writes the files of one netns (mode 0644, atomically each). */
export const writeEtcFiles = async (etcNetnsDir: string, netns: string, files: Readonly<Record<string, string>>) => {
  const dir = path.join(etcNetnsDir, netns)
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  for (const [name, content] of Object.entries(files)) {
    await writeFileAtomic(path.join(dir, name), content, 0o644)
  }
}

/** Removes the files of one netns; missing is fine. */
export const removeEtcFiles = async (etcNetnsDir: string, netns: string) => {
  await fs.rm(path.join(etcNetnsDir, netns), { recursive: true, force: true })
}

/** Reads the files of one netns (empty when there are none). */
export const readEtcFiles = async (etcNetnsDir: string, netns: string): Promise<Record<string, string>> => {
  const dir = path.join(etcNetnsDir, netns)
  try {
    const names = await fs.readdir(dir)
    return Object.fromEntries(await Promise.all(names.map(async n => [n, await fs.readFile(path.join(dir, n), 'utf8')])))
  } catch {
    return {}
  }
}
