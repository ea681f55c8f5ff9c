#!/usr/bin/env node
/**
 * `berth`: the docker-like CLI. It only talks to berthd's socket.
 */
import { Command } from 'commander'
import { VERSION } from '../daemon/version.js'
import { ApiClient, CliError, DEFAULT_HOST } from './client.js'
import { registerContainerCommands } from './commands/container.js'
import { registerExecCommand } from './commands/exec.js'
import { registerNetworkCommands } from './commands/network.js'
import { registerSystemCommands } from './commands/system.js'

const program = new Command('berth')
  .description('Docker-style container networking from kernel primitives')
  .version(VERSION)
  .option('-H, --host <unix://path>', `daemon socket (default $BERTH_HOST or ${DEFAULT_HOST})`)
  .showHelpAfterError()
  .exitOverride()

const client = () => new ApiClient(program.opts<{ host?: string }>().host ?? process.env.BERTH_HOST ?? DEFAULT_HOST)
registerNetworkCommands(program, client)
registerContainerCommands(program, client)
registerExecCommand(program, client)
registerSystemCommands(program, client)

program.parseAsync(process.argv).catch((e: unknown) => {
  const code = (e as { code?: string }).code
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0)
  if (code?.startsWith('commander.')) process.exit((e as { exitCode?: number }).exitCode ?? 1)
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(e instanceof CliError ? e.exitCode : 1)
})
