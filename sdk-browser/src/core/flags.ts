/**
 * `false` only in the script-tag build (`dist/tally.js`), where rollup swaps this
 * module out, so that code the tracker never calls (`close`, `stats`, error details
 * for `onError`) is compiled away. Everywhere else, `true`.
 */
export const FULL: boolean = true
