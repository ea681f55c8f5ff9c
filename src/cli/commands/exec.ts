/**
 * `berth exec CONTAINER -- CMD…`: runs CMD in the container's netns with
 * stdin, stdout, stderr and the exit code passed through.
 */
import type { Command } from 'commander'
import { EXIT, FrameDecoder, STDERR, STDOUT } from '../../api/exec-stream.js'
import type { ApiClient } from '../client.js'

/** Runs one exec session; resolves with the command's exit code. */
export const execSession = async (client: ApiClient, container: string, cmd: string[]): Promise<number> => {
  const { Id } = await client.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container)}/exec`, { Cmd: cmd })
  const socket = await client.upgrade(`/exec/${Id}/start`)
  return new Promise((resolve, reject) => {
    let code: number | undefined
    const decoder = new FrameDecoder()
    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (f.type === STDOUT) process.stdout.write(f.payload)
        else if (f.type === STDERR) process.stderr.write(f.payload)
        else if (f.type === EXIT) code = f.payload.readInt32BE(0)
      }
    })
    socket.on('error', reject)
    socket.on('close', () => {
      process.stdin.unpipe(socket)
      process.stdin.pause()
      if (code === undefined) reject(new Error('the exec stream ended without an exit code'))
      else resolve(code)
    })
    process.stdin.pipe(socket)
  })
}

/** Registers `exec`. */
export const registerExecCommand = (program: Command, client: () => ApiClient): void => {
  program
    .command('exec')
    .description("run a command in a container's network namespace")
    .argument('<container>')
    .argument('<cmd...>', 'command, after --')
    .action(async (container: string, cmd: string[]) => {
      process.exitCode = await execSession(client(), container, cmd)
    })
}
