import { execFileSync } from 'node:child_process'

/**
 * Mounts a tmpfs of `bytes` at `dir` (a real small filesystem: writes past its size get
 * short counts, then ENOSPC). Needs root; returns why not when the mount is refused.
 */
export function mountTmpfs(dir: string, bytes: number): { mounted: true } | { mounted: false; reason: string } {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' })
    return { mounted: true }
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim()
    return { mounted: false, reason: stderr || (err as Error).message }
  }
}

/** Unmounts; if a file is still open there (a test failed half-way), detaches it lazily. */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' })
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
  }
}
