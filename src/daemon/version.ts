/**
 * berth's version, read from package.json (one source for CLI and daemon).
 */
import fs from 'node:fs'

export const VERSION: string = (() => {
  try {
    const pkg = new URL('../../../package.json', import.meta.url)
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version
  } catch {
    return 'dev'
  }
})()
