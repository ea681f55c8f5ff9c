/**
 * Parses the exec requests: `POST /containers/{id}/exec` (Docker's
 * ExecConfig) and the body of `POST /exec/{id}/start` (ExecStartConfig).
 */
import { z } from 'zod'
import { EXEC_CONFIG, EXEC_START } from './docker-fields.js'
import { parseWire } from './wire.js'

const ExecWire = z.strictObject({ ...EXEC_CONFIG, Cmd: z.array(z.string()).min(1, 'a command is required') })

/** Parses an exec request: the command to run in the container's netns. */
export const parseExec = (body: unknown): { cmd: string[] } => ({ cmd: parseWire(ExecWire, body, 'exec request').Cmd })

const ExecStartWire = z.strictObject(EXEC_START)

/** Checks the body of an exec start (empty, or Docker's defaults). */
export const parseExecStart = (body: unknown): void => {
  parseWire(ExecStartWire, body ?? {}, 'exec start request')
}
