import { describe, expect, it } from 'vitest';
import { cycles, folderGraph, importGraph } from './importGraph.js';

describe('the import structure of src/', () => {
  it('has no cycle between files', async () => {
    const graph = await importGraph();
    const files = new Map(Object.entries(graph).map(([file, deps]) => [file, new Set(deps)]));
    expect(files.size).toBeGreaterThan(50);
    expect(cycles(files)).toEqual([]);
  });

  it('has no cycle between folders', async () => {
    expect(cycles(folderGraph(await importGraph()))).toEqual([]);
  });

  it('keeps the domain free of the app: domain/ imports only domain/', async () => {
    const graph = await importGraph();
    const outward = Object.entries(graph)
      .filter(([file]) => file.startsWith('src/domain/'))
      .flatMap(([file, deps]) => deps.filter((dep) => !dep.startsWith('src/domain/')).map((dep) => `${file} → ${dep}`));
    expect(outward).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
