import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, TOKEN_ALGORITHMS, type TokenAlgorithm } from '@tally/collector/claims'
import { TallyError } from '../errors.js'
import { createTokenIssuer } from '../token/issuer.js'
import { generateSigningKey, parseKey, toJwks } from '../token/keys.js'

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Record<string, string | undefined>
  cwd: string
}

export const USAGE = `tally: keys and tokens for Tally

Usage:
  tally keygen [--alg EdDSA|ES256|HS256] [--kid ID] [--out DIR] [--force]
      Makes a signing key. EdDSA (default) and ES256 write <kid>.private.json
      (keep it secret: your backend signs with it) and <kid>.jwks.json (public:
      the collector verifies with it). HS256 writes <kid>.secret.json, a shared
      secret that both your backend and the collector hold.
  tally jwks <key-file>... [--out FILE]
      Prints the public JWKS of the keys in these files (private keys, public
      keys or JWKS files), in order: newest first, for rotation.
  tally token --site SITE [--key FILE] [--ttl 300] [--scope ingest] [--sub ID]
              [--iss ${DEFAULT_ISSUER}] [--aud ${DEFAULT_AUDIENCE}] [--json]
      Prints a signed token, for testing and curl. --scope 'ingest server' makes
      server events (a backend's token; never a browser's). The key comes from --key, or
      from the environment: TALLY_SIGNING_KEY (the key's JSON) or
      TALLY_SIGNING_KEY_FILE (its path).
  tally help
`

class UsageError extends Error {}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** Runs the `tally` command line; resolves with the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'keygen':
        return await keygen(rest, io)
      case 'jwks':
        return await jwks(rest, io)
      case 'token':
        return await token(rest, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (err as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.stderr(`tally: ${(err as Error).message}\n\n${USAGE}`)
      return 2
    }
    io.stderr(`tally: ${err instanceof TallyError ? err.message : String((err as Error)?.stack ?? err)}\n`)
    return 1
  }
}

async function keygen(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { alg: { type: 'string', default: 'EdDSA' }, kid: { type: 'string' }, out: { type: 'string', default: '.' }, force: { type: 'boolean', default: false } },
    allowPositionals: true,
  })
  if (positionals.length > 0) throw new UsageError(`keygen takes no arguments, got "${positionals[0]}"`)
  const alg = values.alg as TokenAlgorithm
  if (!TOKEN_ALGORITHMS.includes(alg)) throw new UsageError(`--alg must be one of ${TOKEN_ALGORITHMS.join(', ')}`)
  if (values.kid !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(values.kid)) {
    throw new UsageError('--kid must be 1-64 of A-Z a-z 0-9 . _ - (it names the files too)')
  }
  const key = await generateSigningKey({ alg, kid: values.kid })
  const dir = resolve(io.cwd, values.out)
  const flag = values.force ? 'w' : 'wx' // never overwrite a key by accident
  const write = async (name: string, content: unknown, mode: number) => {
    const path = join(dir, name)
    try {
      await writeFile(path, json(content), { mode, flag })
      // An overwritten file keeps its old mode; a secret must not stay readable by others.
      await chmod(path, mode)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TallyError('ERR_OPTIONS_INVALID', `${path} exists; pass --force to overwrite`)
      throw err
    }
    return path
  }
  if (key.alg === 'HS256') {
    const secretPath = await write(`${key.kid}.secret.json`, key, 0o600)
    io.stderr(
      `wrote ${secretPath} (secret: your backend signs with it, and the collector verifies with it)\n` +
        `collector config, under "keys": the contents of ${secretPath} ({ "kid", "alg": "HS256", "secret" })\n`,
    )
    io.stdout(`${key.kid}\n`)
    return 0
  }
  const privatePath = await write(`${key.kid}.private.json`, key, 0o600)
  const jwksPath = await write(`${key.kid}.jwks.json`, toJwks([key]), 0o644)
  io.stderr(
    `wrote ${privatePath} (private: your backend signs with it; keep it out of git)\n` +
      `wrote ${jwksPath} (public: the collector verifies with it)\n` +
      `collector config, under "keys": ${JSON.stringify({ jwks_file: jwksPath })}\n`,
  )
  io.stdout(`${key.kid}\n`)
  return 0
}

async function readKeyFile(path: string, io: CliIo) {
  let text: string
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8')
  } catch (err) {
    throw new TallyError('ERR_KEY_INVALID', `cannot read ${path}: ${(err as Error).message}`)
  }
  try {
    return parseKey(text)
  } catch (err) {
    throw new TallyError('ERR_KEY_INVALID', `${path}: ${(err as Error).message}`)
  }
}

/** Every key of a file: one JWK, an HS256 secret, or a JWKS (e.g. the one the collector loads now). */
async function readKeyFiles(path: string, io: CliIo) {
  const text = await readFile(resolve(io.cwd, path), 'utf8').catch((err: Error) => {
    throw new TallyError('ERR_KEY_INVALID', `cannot read ${path}: ${err.message}`)
  })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new TallyError('ERR_KEY_INVALID', `${path}: not JSON`)
  }
  const list = parsed && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: unknown[] }).keys : [parsed]
  return list.map((k) => {
    try {
      return parseKey(k, { allowPublic: true })
    } catch (err) {
      throw new TallyError('ERR_KEY_INVALID', `${path}: ${(err as Error).message}`)
    }
  })
}

async function jwks(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: { out: { type: 'string' } }, allowPositionals: true })
  if (positionals.length === 0) throw new UsageError('jwks needs at least one key file')
  const keys = []
  for (const path of positionals) {
    for (const key of await readKeyFiles(path, io)) {
      if (key.alg === 'HS256') throw new TallyError('ERR_KEY_INVALID', `${path} is an HS256 secret: it has no public part to publish`)
      keys.push(key)
    }
  }
  const text = json(toJwks(keys))
  if (values.out) {
    await writeFile(resolve(io.cwd, values.out), text, { mode: 0o644 })
    io.stderr(`wrote ${resolve(io.cwd, values.out)}\n`)
  } else {
    io.stdout(text)
  }
  return 0
}

async function token(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      site: { type: 'string' },
      key: { type: 'string' },
      ttl: { type: 'string', default: '300' },
      scope: { type: 'string', default: 'ingest' },
      sub: { type: 'string' },
      iss: { type: 'string', default: DEFAULT_ISSUER },
      aud: { type: 'string', default: DEFAULT_AUDIENCE },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  })
  if (positionals.length > 0) throw new UsageError(`token takes no arguments, got "${positionals[0]}"`)
  if (!values.site) throw new UsageError('token needs --site')
  if (!/^\d+$/.test(values.ttl)) throw new UsageError('--ttl is a whole number of seconds')
  let key
  if (values.key) key = await readKeyFile(values.key, io)
  else if (io.env.TALLY_SIGNING_KEY) key = parseKey(io.env.TALLY_SIGNING_KEY)
  else if (io.env.TALLY_SIGNING_KEY_FILE) key = await readKeyFile(io.env.TALLY_SIGNING_KEY_FILE, io)
  else throw new UsageError('token needs a key: --key FILE, or TALLY_SIGNING_KEY / TALLY_SIGNING_KEY_FILE in the environment')
  const ttl = Number(values.ttl)
  const issuer = createTokenIssuer({ keys: [key], issuer: values.iss, audience: values.aud, maxTtl: Math.max(ttl, 1) })
  const issued = await issuer.issue({ site: values.site, subject: values.sub, scope: values.scope, ttl })
  io.stdout(values.json ? json({ ...issued, expiresIn: ttl }) : `${issued.token}\n`)
  return 0
}
