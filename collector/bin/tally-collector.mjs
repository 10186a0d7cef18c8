#!/usr/bin/env node
// The collector package's CLI (`tally-collector sql "SELECT …"`), run from its TypeScript source through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
