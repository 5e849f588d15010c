/** Reads `oms invoke`'s payload from `--data` or `--file` (`-` for stdin) as JSON. */
import { readFile } from 'node:fs/promises'
import { usageError } from './errors.ts'

export interface InputSource {
  /** Inline JSON. */
  data?: string
  /** Path to a JSON file, or `-` for stdin. */
  file?: string
}

/** The parsed payload; `{}` when neither source is given. Bad JSON is a usage error. */
export async function readInput({ data, file }: InputSource): Promise<unknown> {
  if (data !== undefined && file !== undefined)
    throw usageError('pass either --data or --file, not both')
  if (data !== undefined) return parseJson(data, '--data')
  if (file === undefined) return {}
  return parseJson(await readSource(file), file === '-' ? 'stdin' : file)
}

async function readSource(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8')
  } catch (err) {
    throw usageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw usageError(`${where} is not valid JSON: ${reason}`)
  }
}
