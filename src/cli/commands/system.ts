/**
 * `berth system reconcile|reset`: whole-daemon operations.
 */
import readline from 'node:readline'
import type { Command } from 'commander'
import type { ApiClient } from '../client.js'

type Client = () => ApiClient
const out = (text: string) => void process.stdout.write(text)

const RESET_WARNING = `WARNING! This will remove:
  - all containers (their processes are killed)
  - all networks, the default bridge network too
  - berth's nftables tables and its rules in other tables
  - berth's state files
and then stop berthd.
Are you sure you want to continue? [y/N] `

/** Docker's prompt: only "y" or "yes" goes on. A piped answer may lack its newline. */
const confirm = async (question: string): Promise<boolean> => {
  process.stderr.write(question)
  let answer = ''
  if (process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin })
    answer = await new Promise<string>(resolve => {
      rl.once('line', resolve)
      rl.once('close', () => resolve(''))
    })
    rl.close()
  } else {
    for await (const chunk of process.stdin) {
      answer += String(chunk)
      if (answer.includes('\n')) break
    }
  }
  return /^y(es)?$/i.test(answer.split('\n')[0]?.trim() ?? '')
}

/** Registers the system commands. */
export const registerSystemCommands = (program: Command, client: Client): void => {
  const system = program.command('system').description('manage berthd itself')

  system
    .command('reconcile')
    .description('make the kernel match berth’s state again (as at start) and print what was repaired')
    .action(async () => {
      const r = await client().json<{ Repaired: string[] }>('POST', '/system/reconcile')
      out(r.Repaired.length === 0 ? 'Nothing to repair.\n' : `Repaired:\n${r.Repaired.map(line => `  ${line}\n`).join('')}`)
    })

  system
    .command('reset')
    .description('remove every container, network, rule and file berth made, then stop berthd')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async (o: { force?: boolean }) => {
      if (!o.force && !(await confirm(RESET_WARNING))) {
        process.stderr.write('Nothing was removed.\n')
        return
      }
      const r = await client().json<{ Removed: string[] }>('POST', '/system/reset')
      out(`Removed:\n${r.Removed.map(line => `  ${line}\n`).join('')}berthd is stopping.\n`)
    })
}
