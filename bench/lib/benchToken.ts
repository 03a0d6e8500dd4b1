/**
 * The emulator's token in every benchmark. A module of its own, importing nothing, so a child
 * that must load only what it measures (children/bareReference.ts) can have it.
 */
export const BENCH_TOKEN = 'bench-token-not-a-secret';
