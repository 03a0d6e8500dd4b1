import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file compiles to bench/dist/bench/lib/paths.js). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BENCH_DIR = join(ROOT, 'bench');
export const TMP_DIR = join(BENCH_DIR, 'tmp');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
/** The bench build's own copy of src/ (compiled by bench/tsconfig.json). */
export const BUILT_SRC = join(BENCH_DIR, 'dist', 'src');
export const BUILT_BENCH = join(BENCH_DIR, 'dist', 'bench');
/** The shipped CLI, bundled by `npm run build` (scripts/bundle.mjs): what the dry run measures. */
export const SHIPPED_CLI = join(ROOT, 'dist', 'scim-sync.js');
