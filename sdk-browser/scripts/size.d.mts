/** Gzip budget of dist/tally.js, in bytes. */
export declare const BUDGET_GZIP: number
/** Sizes of one file, in bytes: raw, gzip (zlib level 9), brotli (quality 11). */
export declare function sizes(path: string): { raw: number; gzip: number; brotli: number }
