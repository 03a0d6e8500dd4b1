import madge from 'madge';
import { fileURLToPath } from 'node:url';

/** The repository's root, where madge resolves `src/…` paths from. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every source file under src/ and what it imports (type-only imports included: they tie folders together too). */
export async function importGraph(): Promise<Record<string, string[]>> {
  const result = await madge('src', {
    baseDir: ROOT,
    fileExtensions: ['ts'],
    detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
  });
  return result.obj();
}

/** The folder of a file under src/ (`src/plan/plan.ts` → `plan`). */
export function folderOf(file: string): string {
  const parts = file.replace(/^src\//, '').split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

/** Folder → folders it imports from, self-imports left out. */
export function folderGraph(graph: Record<string, string[]>): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const [file, deps] of Object.entries(graph)) {
    const from = folderOf(file);
    const targets = folders.get(from) ?? new Set<string>();
    folders.set(from, targets);
    for (const dep of deps) if (folderOf(dep) !== from) targets.add(folderOf(dep));
  }
  return folders;
}

/** Every cycle, as the strongly connected components with more than one node (Tarjan). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return found;
}
