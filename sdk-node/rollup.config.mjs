// Builds sdk-node: ESM + CJS + types for the library (`.` and `./hono`), and the `tally` CLI.
// The collector's claim constants (and the shared SDK core) are bundled in, so the
// published package depends on jose only; hono is an optional peer, for `./hono`.
import typescript from '@rollup/plugin-typescript'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import { dts } from 'rollup-plugin-dts'

const external = (id) => id === 'jose' || id === 'hono' || id.startsWith('hono/') || id.startsWith('node:')
const input = { index: 'src/index.ts', hono: 'src/hono.ts' }
// In `.d.cts` files, relative imports must say `.cjs` so TypeScript picks the `.d.cts` sibling.
const ctsImports = {
  name: 'cts-imports',
  renderChunk: (code) => code.replace(/(from '\.\/[^']+)\.js'/g, "$1.cjs'"),
}
const plugins = () => [
  nodeResolve({ extensions: ['.ts', '.js'] }),
  // Paths are relative to the repo root (rootDir '..'), where the bundled sources live.
  typescript({
    tsconfig: './tsconfig.build.json',
    include: ['sdk-node/src/**/*.ts', 'collector/src/protocol/**/*.ts', 'sdk-browser/src/core/**/*.ts'],
    filterRoot: '..',
  }),
]

export default [
  {
    input,
    external,
    plugins: plugins(),
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'shared-[hash].mjs' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared-[hash].cjs' },
    ],
  },
  {
    input: 'src/cli/main.ts',
    external,
    plugins: plugins(),
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node' },
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json', respectExternal: true })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'shared-[hash].d.ts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'shared-[hash].d.cts', plugins: [ctsImports] },
    ],
  },
]
