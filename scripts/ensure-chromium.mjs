// Browser tests run in Debian's Chromium (never a downloaded browser). Installs it when missing.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'

const CHROMIUM = '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    console.error(`[tally] ${CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium).`)
    process.exit(1)
  }
  console.log('[tally] installing chromium with apt-get…')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env, shell: '/bin/bash' })
}
