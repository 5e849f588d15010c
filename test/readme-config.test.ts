/** The README's configuration table is the one generated from the settings declarations. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { configMarkdown } from '../runtime/cli/commands/config.ts'
import { TABLE_END, TABLE_START } from '../runtime/config/settings-table.ts'

it('README.md holds the configuration table generated from the declarations', async () => {
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8')
  const start = readme.indexOf(TABLE_START)
  const end = readme.indexOf(TABLE_END)
  expect(start, 'the table start marker').toBeGreaterThan(-1)
  expect(end, 'the table end marker').toBeGreaterThan(start)
  const inReadme = readme.slice(start + TABLE_START.length, end).trim()
  expect(inReadme, 'run npm run -s oms -- config --markdown and paste it into README.md').toBe(
    await configMarkdown(),
  )
})
