import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** Linux only: a process's parent PID and state, from /proc/<pid>/stat; undefined once it is gone. */
function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ') // the name may hold spaces
    return { ppid: Number(ppid), state: state! }
  } catch {
    return undefined
  }
}

/** Every live descendant of `pid` (children, their children, …). Take it before signalling: orphans change parent. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    const child = Number(name)
    const s = Number.isInteger(child) ? stat(child) : undefined
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), child])
  }
  const out: number[] = []
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

/** Gone, or a zombie (exited, waiting for its parent to read the status). */
export function isGone(pid: number): boolean {
  const s = stat(pid)
  return !s || s.state === 'Z'
}

/** Whether nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer()
    server.once('error', () => done(false))
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)))
  })
}
