/**
 * docker's way with several names in one command: every one is tried, the
 * good results are printed, the failures are reported together at the end
 * (and make the exit code non-zero).
 */
import type { ApiClient } from './client.js'
import { CliError } from './client.js'
import { prettyJson } from './format.js'

const out = (text: string) => void process.stdout.write(text)

/** `inspect A B …`: a JSON array of what exists, then "No such <what>" errors. */
export const inspectEach = async (client: ApiClient, refs: readonly string[], what: string, path: (ref: string) => string) => {
  const found: unknown[] = []
  const missing: string[] = []
  for (const ref of refs) {
    try {
      found.push(await client.json('GET', path(encodeURIComponent(ref))))
    } catch (e) {
      if (!(e instanceof CliError) || e.status !== 404) throw e
      missing.push(`Error: No such ${what}: ${ref}`)
    }
  }
  out(prettyJson(found))
  if (missing.length > 0) throw new CliError(missing.join('\n'))
}

/** `rm A B …`: prints each name removed, then the errors. */
export const removeEach = async (client: ApiClient, refs: readonly string[], path: (ref: string) => string) => {
  const errors: string[] = []
  for (const ref of refs) {
    try {
      await client.json('DELETE', path(encodeURIComponent(ref)))
      out(`${ref}\n`)
    } catch (e) {
      if (!(e instanceof CliError)) throw e
      errors.push(e.message)
    }
  }
  if (errors.length > 0) throw new CliError(errors.join('\n'))
}
