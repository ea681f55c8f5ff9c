/**
 * packaging/daemon.json, which install-service.sh puts at
 * /etc/berth/daemon.json: every key berthd knows, each with its default,
 * except the socket's group, which the service names (berth).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import tap from 'tap'
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/model/parse-config.js'
import { RELOADABLE, RESTART_ONLY } from '../../../src/model/reload-config.js'

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packaging/daemon.json')
const json = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Record<string, unknown>

tap.test('lists every key', async t => {
  const known = [...RELOADABLE, ...RESTART_ONLY].map(k => k.key).sort()
  t.strictSame(Object.keys(json).sort(), known)
})

tap.test('is valid, with the defaults and group berth', async t => {
  t.strictSame(resolveConfig(json, {}, FILE), { ...DEFAULT_CONFIG, group: 'berth' })
})
