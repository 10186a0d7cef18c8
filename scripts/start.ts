// `npm start`: the collector (embedded ClickHouse, dashboard) and, in dev mode, the
// script-tag example page and the power-bank simulator (orders and page views, so the
// dashboard moves from the first minute; TALLY_DEMO_ORDERS=0 leaves it out) beside it.
// Each runs as its own process, started and stopped by PID; SIGINT or SIGTERM reaches
// all of them (the simulator first, so what it holds reaches the collector before it
// drains), and this process exits once all have, with the collector's exit code.
//
// package.json runs this with `exec` (sh -c "… && exec node … start.ts"): npm forwards
// SIGINT/SIGTERM to its child, and without exec that child is sh, which dies at once and
// leaves this process (and the ports it holds) behind.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collectorEnv } from '../collector/src/threadpool-env.js'

const root = resolve(fileURLToPath(import.meta.url), '..', '..')
const dev = !process.env.TALLY_CONFIG
const demoPort = process.env.TALLY_DEMO_PORT ?? '3001'
const simulate = !['0', 'false', 'off'].includes(process.env.TALLY_DEMO_ORDERS ?? '')
/** How long the simulator may take to send what it holds before the collector is told to stop. */
const SIMULATOR_GRACE_MS = 5_000

// An absolute loader URL: the children may run from any working directory.
const tsx = import.meta.resolve('tsx')

function run(script: string, env: NodeJS.ProcessEnv, capture = false): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, join(root, script)], { cwd: process.cwd(), env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
}

const running = (child: ChildProcess | undefined): child is ChildProcess => !!child?.pid && child.exitCode === null && child.signalCode === null
const exited = (child: ChildProcess | undefined) => new Promise<void>((done) => (running(child) ? child.once('exit', () => done()) : done()))

const collector = run('collector/src/main.ts', collectorEnv(process.env), true)
let demo: ChildProcess | undefined
let simulator: ChildProcess | undefined
let stopping = false

// Pass the collector's output through, and start the demo page once it is ready.
collector.stdout!.on('data', (chunk: Buffer) => {
  const text = chunk.toString()
  process.stdout.write(text)
  const ready = /Tally collector ready at (\S+)/.exec(text)
  if (ready && dev && !demo && !stopping) {
    demo = run('examples/script-tag/serve.ts', { ...process.env, PORT: demoPort, TALLY_COLLECTOR_URL: ready[1] })
    if (simulate) simulator = run('examples/power-bank/run.ts', { ...process.env, TALLY_COLLECTOR_URL: ready[1] })
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
    if (stopping) return
    stopping = true
    stop(demo)
    stop(simulator)
    const grace = new Promise<void>((done) => setTimeout(done, SIMULATOR_GRACE_MS).unref())
    void Promise.race([exited(simulator), grace]).then(() => stop(collector))
  })
}
collector.on('exit', (code) => {
  stopping = true
  stop(demo)
  stop(simulator)
  void Promise.all([exited(demo), exited(simulator)]).then(() => process.exit(code ?? 1))
})
