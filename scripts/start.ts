// `npm start`: the collector (embedded ClickHouse, dashboard) and, in dev mode, the
// script-tag example page beside it. Each runs as its own process, started and stopped
// by PID; SIGINT or SIGTERM reaches both, the collector drains, and this process exits
// once both have, with the collector's exit code.
//
// package.json runs this with `exec` (sh -c "… && exec node … start.ts"): npm forwards
// SIGINT/SIGTERM to its child, and without exec that child is sh, which dies at once and
// leaves this process (and the ports it holds) behind.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(import.meta.url), '..', '..')
const dev = !process.env.TALLY_CONFIG
const demoPort = process.env.TALLY_DEMO_PORT ?? '3001'

// An absolute loader URL: the children may run from any working directory.
const tsx = import.meta.resolve('tsx')

function run(script: string, env: NodeJS.ProcessEnv, capture = false): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, join(root, script)], { cwd: process.cwd(), env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
}

const running = (child: ChildProcess | undefined): child is ChildProcess => !!child?.pid && child.exitCode === null && child.signalCode === null
const exited = (child: ChildProcess | undefined) => new Promise<void>((done) => (running(child) ? child.once('exit', () => done()) : done()))

const collector = run('collector/src/main.ts', process.env, true)
let demo: ChildProcess | undefined
let stopping = false

// Pass the collector's output through, and start the demo page once it is ready.
collector.stdout!.on('data', (chunk: Buffer) => {
  const text = chunk.toString()
  process.stdout.write(text)
  const ready = /Tally collector ready at (\S+)/.exec(text)
  if (ready && dev && !demo && !stopping) {
    demo = run('examples/script-tag/serve.ts', { ...process.env, PORT: demoPort, TALLY_COLLECTOR_URL: ready[1] })
  }
})

function stop(child: ChildProcess | undefined): void {
  if (!running(child)) return
  try {
    process.kill(child.pid!, 'SIGTERM')
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = true
    stop(demo)
    stop(collector)
  })
}
collector.on('exit', (code) => {
  stopping = true
  stop(demo)
  void exited(demo).then(() => process.exit(code ?? 1))
})
