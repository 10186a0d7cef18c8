import { SqlError, sqlErrorFrom } from './sql-error.js'
import type { SqlRun } from './engine.js'

/**
 * The engine's parser, asked about the caller's text (bound as a parameter, so the text
 * is never part of this SQL): its canonical single-statement form, and whether it
 * already has a FORMAT clause (then appending one does not parse).
 */
const CANONICAL = `WITH formatQuerySingleLine({q:String}) AS c
SELECT c AS canonical, isNull(formatQuerySingleLineOrNull(c || ' FORMAT Null')) AS has_format`

/** Root AST nodes of statements that only read (EXPLAIN AST's first line). Not USE, SET, KILL or SYSTEM: they act on the shared engine. */
const READ_KINDS = new Set([
  'SelectWithUnionQuery', 'Explain', 'DescribeQuery', 'ShowTables', 'ShowColumns', 'ShowFunctions', 'ShowEngineQuery', 'ShowSetting',
  'ShowCreateTableQuery', 'ShowCreateViewQuery', 'ShowCreateDatabaseQuery', 'ShowCreateDictionaryQuery',
  'ExistsTableQuery', 'ExistsViewQuery', 'ExistsDatabaseQuery', 'ExistsDictionaryQuery',
])

export interface InspectedStatement {
  /** The engine's own rendering of the one statement: what runs (and what was inspected). */
  canonical: string
  /** The statement names its output format itself (`FORMAT CSV`). */
  hasFormat: boolean
}

/**
 * Refuses what ClickHouse's read-only mode cannot: several statements, statements
 * that are not reads, and INTO OUTFILE (chDB writes that file itself, in the
 * collector's process). Decided from the engine's parse, never by matching the text.
 * In EXPLAIN AST's dump, a query's output options are its root's direct children, and
 * INTO OUTFILE (with its COMPRESSION) is the only one that is a Literal.
 */
export async function inspectStatement(run: SqlRun, query: string, params: Record<string, unknown>): Promise<InspectedStatement> {
  let parsed: Record<string, unknown> | undefined
  try {
    ;[parsed] = await run.rows(CANONICAL, { q: query })
  } catch (err) {
    const error = sqlErrorFrom(err)
    if (error.message.includes('Multi-statements are not allowed')) throw new SqlError('ERR_QUERY_REFUSED', 'send one statement per request')
    throw error
  }
  const canonical = String(parsed?.canonical ?? '')
  // TabSeparated escapes within a line; the leading spaces (the depth) and node names stay as they are.
  const tree = await run.lines(`EXPLAIN AST ${canonical}`, params)
  const kind = tree[0]?.split(' ')[0] ?? ''
  if (!READ_KINDS.has(kind)) {
    throw new SqlError('ERR_QUERY_REFUSED', `only statements that read run here (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS); this one is ${kind || 'empty'}`)
  }
  if (tree.some((line) => line.startsWith(' Literal '))) {
    throw new SqlError('ERR_QUERY_REFUSED', 'INTO OUTFILE is not allowed: the file would be written on the collector’s host')
  }
  return { canonical, hasFormat: Number(parsed?.has_format) === 1 }
}
