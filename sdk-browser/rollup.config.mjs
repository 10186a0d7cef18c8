// Builds: dist/tally.js (script tag, IIFE, minified), dist/index.{mjs,cjs,d.ts,d.cts}
// (npm), dist/core.{mjs,cjs,d.ts,d.cts} (the universal core, for sdk-node and React Native).
import typescript from '@rollup/plugin-typescript'
import terser from '@rollup/plugin-terser'
import dts from 'rollup-plugin-dts'

const ts = () => typescript({ tsconfig: new URL('./tsconfig.json', import.meta.url).pathname, outputToFilesystem: false })

/** Terser for the script tag. Properties ending in `_` are internal and get mangled. */
const tiny = () =>
  terser({
    ecma: 2020,
    compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true, toplevel: true },
    mangle: { toplevel: true, properties: { regex: /_$/ } },
    format: { comments: false },
  })

const lib = (input, name) => ({
  input,
  plugins: [ts()],
  output: [
    { file: `dist/${name}.mjs`, format: 'es' },
    { file: `dist/${name}.cjs`, format: 'cjs' },
  ],
})
const types = (input, name) => ({
  input,
  plugins: [dts({ tsconfig: new URL('./tsconfig.json', import.meta.url).pathname })],
  output: [
    { file: `dist/${name}.d.ts`, format: 'es' },
    { file: `dist/${name}.d.cts`, format: 'es' },
  ],
})

/** The script-tag build compiles out what the tracker never calls (see src/core/flags.ts). */
const tagFlags = {
  name: 'tag-flags',
  load: (id) => (id.endsWith('/core/flags.ts') ? 'export const FULL = false' : null),
}

export default [
  { input: 'src/script.ts', plugins: [tagFlags, ts(), tiny()], output: { file: 'dist/tally.js', format: 'iife', strict: false } },
  lib('src/index.ts', 'index'),
  lib('src/core/index.ts', 'core'),
  types('src/index.ts', 'index'),
  types('src/core/index.ts', 'core'),
]
