/**
 * nftables through `nft -j -f <file>`: one JSON document = one atomic
 * transaction (libnftables-json(5)).
 *
 * Be aware: nft 1.0.6 cannot read JSON from a Node pipe (it opens
 * /dev/stdin, which a libuv socketpair is not), so a batch goes as one
 * argument, or through a private temp file when it is too big for one
 * (stack-probe §4).
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { run } from './exec.js'

/** One libnftables JSON command object, e.g. `{ add: { table: … } }`. */
export type NftCommand = Record<string, unknown>

/** Batches up to this size go as one argv (the kernel allows 128 KiB per argument). */
const ARGV_MAX = 100_000

/**
 * Applies commands in one transaction; all or nothing. With `nsPath`, in
 * that netns (through nsenter(1): nft runs there, nothing else changes).
 * `onSpawn` learns the pid of the committing nft (drift detection tells
 * berth's own commits from others' by it).
 */
export const applyNft = async (commands: readonly NftCommand[], nsPath?: string, onSpawn?: (pid: number) => void): Promise<void> => {
  if (commands.length === 0) return
  const json = JSON.stringify({ nftables: commands })
  const nft = (args: string[]) => (nsPath ? run('nsenter', [`--net=${nsPath}`, 'nft', ...args]) : run('nft', args, undefined, onSpawn))
  if (json.length <= ARGV_MAX) {
    await nft(['-j', json])
    return
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-nft-'))
  const file = path.join(dir, `${randomBytes(4).toString('hex')}.json`)
  try {
    await fs.writeFile(file, json, { mode: 0o600 })
    await nft(['-j', '-f', file])
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** `nft -j list table` objects, or undefined when there is no such table. */
export const listNftTable = async (family: string, name: string): Promise<unknown[] | undefined> => {
  try {
    const out = await run('nft', ['-j', 'list', 'table', family, name])
    return (JSON.parse(out) as { nftables: unknown[] }).nftables
  } catch (e) {
    if (/No such file or directory/.test((e as Error).message)) return undefined
    throw e
  }
}
