#!/usr/bin/env node
// The `oms` command: registers tsx's ESM loader so the TypeScript runtime runs from source,
// then hands over to the CLI.
import { register } from 'tsx/esm/api'

register()
await import('../runtime/cli/main.ts')
