/**
 * Running external programs (nft, ip netns exec): argv only, never a shell,
 * with a timeout; a failure becomes a System error carrying the command,
 * its exit code and stderr (execa's error shape).
 */
import { execa } from 'execa'
import { BerthError } from '../errors.js'

/** A failed external command. */
export class CommandError extends BerthError {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    cause?: unknown,
  ) {
    super('System', 'E_COMMAND', `${argv.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim()}`, { cause })
  }
}

/** Runs a program to completion and returns its stdout. */
export const run = async (file: string, args: readonly string[], timeoutMs = 15000): Promise<string> => {
  const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore' })
  if (r.exitCode !== 0 || r.failed) throw new CommandError([file, ...args], r.exitCode, String(r.stderr || r.message), r)
  return String(r.stdout)
}
