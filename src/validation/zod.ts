import { z } from 'zod';

/**
 * zod, set up once for every schema of ours: the config, the ledger and plan files import `z`
 * from here, never from 'zod' (the lint gate checks), so this runs before any schema is built.
 *
 * jitless: zod 4 otherwise compiles each object schema into a parser with `new Function` the
 * first time it parses. That pays off for a schema run millions of times; ours parse one config,
 * one ledger and one plan file per run, where compiling cost more than it saved (~25 ms of CPU
 * at every start, measured on the dry run). zod then also skips its probe of `new Function`, so
 * no code is generated from strings at runtime, not even tried (hosts that forbid it report tries).
 */
z.config({ jitless: true });

export { z };
