/**
 * A reader for the two YAML shapes our data files use, so no YAML package is needed:
 * - `Name:` followed by `  - item` lines (Matomo's Socials.yml and AIAssistants.yml,
 *   isbot's crawlers.yml and browsers.yml);
 * - `Name:` followed by `  -` blocks holding `urls:` lists (Matomo's SearchEngines.yml):
 *   only the items under `urls:` are kept.
 * Items may be plain, 'single-quoted' or "double-quoted" scalars.
 */
export function readYamlLists(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  let name = ''
  let key = '' // the nested key of a SearchEngines block (`urls`, `params`…), '' for a plain list
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '')
    if (line === '' || line.trimStart().startsWith('#')) continue
    if (!line.startsWith(' ')) {
      name = unquote(line.slice(0, line.lastIndexOf(':')))
      key = ''
      if (!out.has(name)) out.set(name, [])
      continue
    }
    const nested = /^\s+([A-Za-z_]+):\s*$/.exec(line)
    if (nested) {
      key = nested[1]!
      continue
    }
    const item = /^(\s*)-\s*(.*)$/.exec(line)
    if (!item || item[2] === '') continue // `  -` opens a SearchEngines block
    if (key !== '' && key !== 'urls') continue
    if (key === '' && item[1]!.length > 2) continue
    out.get(name)!.push(unquote(item[2]!))
  }
  return out
}

function unquote(s: string): string {
  const t = s.trim()
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replaceAll("''", "'")
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return JSON.parse(t.replace(/\\(?!["\\/bfnrtu])/g, '\\\\')) as string
  return t
}
