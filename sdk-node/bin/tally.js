#!/usr/bin/env node
// The `tally` command. Kept outside dist/ so npm links it on install, before the first build.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('tally: sdk-node is not built yet; run `npm run build` first')
    process.exitCode = 1
  } else {
    throw err
  }
})
