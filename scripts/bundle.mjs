// The shipped form of the CLI: `dist/cli/main.js` (compiled by tsc, which `npm run build` runs
// first) and everything it imports, bundled by esbuild into ONE ES module, `dist/scim-sync.js`.
// Why: Node 20 has no compile cache, and its ESM loader resolving, reading and compiling ~200
// files (ours, zod's, luxon's, …) cost more CPU than the whole module text compiled at once —
// about half, measured in bench/memory.ts. See README, "Packages and their jobs".
//
// A script of its own rather than an `esbuild …` npm script, because the build must also:
//   - give the CommonJS dependencies a `require` (see BANNER),
//   - fail on any esbuild warning, so a new one is read and handled instead of scrolling past,
//   - keep the file pure ASCII (see asciiOnly),
//   - check that no error class of ours was renamed (see checkErrorClassNames).
//
//   node scripts/bundle.mjs            (npm run build runs it after tsc)
import { build, formatMessages } from 'esbuild';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const OUTFILE = join(ROOT, 'dist', 'scim-sync.js');
const NOTICES = join(ROOT, 'dist', 'THIRD-PARTY-NOTICES.txt');

// The bundle is an ES module, but commander, pino, undici, ioredis, prom-client, yaml, … are
// CommonJS and `require()` node's built-ins ("node:events"). esbuild turns those into calls of
// its `__require` shim, which uses a `require` in scope when there is one and otherwise throws
// "Dynamic require of … is not supported" — an ES module has none, so we make one.
// `__filename` and `__dirname` too: CommonJS code of undici (fetch stack traces), ioredis
// (showFriendlyErrorStack) and pino (transport worker paths) reads them on paths we don't take
// today; they must not become a ReferenceError if one is taken. The names are free in the bundle
// (esbuild leaves them unbound in ESM output), and the imports are aliased so as to clash with nothing.
const BANNER = [
  "import { createRequire as __scimSyncCreateRequire } from 'node:module';",
  "import { dirname as __scimSyncDirname } from 'node:path';",
  "import { fileURLToPath as __scimSyncFileURLToPath } from 'node:url';",
  'const require = __scimSyncCreateRequire(import.meta.url);',
  'const __filename = __scimSyncFileURLToPath(import.meta.url);',
  'const __dirname = __scimSyncDirname(__filename);',
].join('\n');

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies go inside: the file runs with no node_modules beside it.
  packages: 'bundle',
  // No splitting: our `import()`s of lazy modules (the live executor, the Bulk batcher, the plan
  // file writer) become lazily-initialised wrappers in the same file, run on the first import()
  // (test/cli/bundle.test.ts checks it with V8's coverage counts).
  splitting: false,
  // Readable stack traces from the field; minifying saved no loading time here.
  minify: false,
  banner: { js: BANNER },
  // Non-ASCII characters in code become escapes (the default, said on purpose: see asciiOnly).
  charset: 'ascii',
  legalComments: 'eof',
  logLevel: 'silent',
  metafile: true,
  plugins: [zodEnglishOnly()],
  // Kept in memory until the checks below pass: a build that fails leaves the last good bundle.
  write: false,
});

if (result.warnings.length > 0) {
  const text = await formatMessages(result.warnings, { kind: 'warning', color: process.stderr.isTTY === true });
  process.stderr.write(text.join(''));
  fail(`${result.warnings.length} esbuild warning(s): understand and handle each (a fix, or an explained option here) before shipping`);
}

const [output] = result.outputFiles;
if (result.outputFiles.length !== 1 || output.path !== OUTFILE)
  fail(`expected one output file, ${OUTFILE}; got ${result.outputFiles.map((f) => f.path).join(', ')}`);
checkErrorClassNames(output.text);
const text = asciiOnly(output.text);

// Written beside the old one and renamed over it, so a reader never sees half a bundle; the mode
// keeps the hashbang usable (`./dist/scim-sync.js`).
const temporary = `${OUTFILE}.${process.pid}.tmp`;
writeFileSync(temporary, text, { mode: 0o755 });
renameSync(temporary, OUTFILE);

writeNotices(result.metafile);

const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(`bundled ${relative(ROOT, ENTRY)} and ${inputs - 1} more files into ${relative(ROOT, OUTFILE)} (${(text.length / 1e6).toFixed(1)} MB)\n`);

/**
 * esbuild hoists every ES module into one scope and renames a top-level name that two modules
 * share (`class RedisConnection` → `RedisConnection2`, as ioredis has one too). For most classes
 * that changes nothing, but an error's name is read from its class: our errors' `name` getter
 * returns `this.constructor.name` (ScimSyncError, ScimRequestError) and pino's error serializer
 * logs it as `type`, so a renamed error class would change what logs and reports say.
 * `keepNames` would prevent any renaming but costs ~10 % of the loading CPU and ~7 MB of RSS
 * (3,800 `__name` calls, mostly in dependencies), so this checks that each error class of ours
 * (one that extends `Error` or a class named `…Error`) kept its name, and says what to do if not.
 */
function checkErrorClassNames(bundled) {
  // The bundle marks each file's code with a `// dist/…` or `// node_modules/…` line; a file
  // may have several sections (imports apart from the body).
  const sections = new Map();
  const markers = [...bundled.matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm)];
  markers.forEach((marker, i) => {
    const text = bundled.slice(marker.index, markers[i + 1]?.index);
    sections.set(marker[1], (sections.get(marker[1]) ?? '') + text);
  });
  const renamed = [];
  for (const [path, section] of sections) {
    if (!path.startsWith('dist/')) continue;
    for (const [, name] of readFileSync(join(ROOT, path), 'utf8').matchAll(/^(?:export )?class (\w+) extends (?:\w*Error)\b/gm)) {
      // `class X`, `var X = class …` (esbuild's form of a top-level class), or `X = class …`
      // inside the wrapper of a lazily loaded module: an anonymous class assigned to X is named X.
      if (!new RegExp(`\\bclass ${name}\\b|^\\s*(?:var |let |const )?${name} = class\\b`, 'm').test(section)) renamed.push(`${name} (${path})`);
    }
  }
  if (renamed.length > 0) {
    fail(
      `esbuild renamed error classes of ours, which would change the error names logs and reports show: ${renamed.join(', ')}; ` +
        'rename the class, or set keepNames: true in scripts/bundle.mjs',
    );
  }
}

/**
 * V8 keeps a script's source as a string for as long as the script lives (functions compile
 * lazily from it). One non-ASCII character makes the whole 4 MB of it a two-byte string, and
 * made the 100,000-user dry run's peak RSS ~30 MB higher (232 MB against 198 MB, in four runs
 * of each). esbuild's `charset: 'ascii'` escapes non-ASCII characters in code — strings,
 * templates, regular expressions, identifiers — but copies the comments it keeps as they are
 * (undici's quotes of the Fetch standard, with ’; a licence notice); there a `\uXXXX` is inert.
 * Every UTF-16 unit is escaped apart, so a character beyond U+FFFF becomes its surrogate pair.
 */
function asciiOnly(source) {
  return source.replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The bundle carries other people's code: MIT, ISC, BSD and Apache-2.0 all ask that their licence
 * (and an Apache NOTICE) travel with every copy, which the files in node_modules did while the
 * image shipped them. So every package with code in the bundle gets its name, version and licence
 * texts in dist/THIRD-PARTY-NOTICES.txt, beside the bundle (the image copies dist/); a package
 * without a licence file fails the build, to be looked at rather than shipped unnoticed.
 */
function writeNotices(metafile) {
  const packages = new Map(); // package folder → name
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], match[1].slice(match[1].lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  const sections = [];
  const missing = [];
  for (const [folder, name] of [...packages].sort((a, b) => a[1].localeCompare(b[1]))) {
    const manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8'));
    const files = readdirSync(join(ROOT, folder))
      .filter((file) => /^(licen[cs]e|notice|copying)/i.test(file))
      .sort();
    if (files.length === 0) missing.push(`${name} (${manifest.license ?? 'no license field'})`);
    const texts = files.map((file) => readFileSync(join(ROOT, folder, file), 'utf8').trim());
    sections.push([`${name} ${manifest.version} (${manifest.license ?? 'see below'})`, ...texts].join('\n\n'));
  }
  if (missing.length > 0) fail(`no licence file in bundled package(s): ${missing.join(', ')}; add its licence text to scripts/bundle.mjs before shipping it`);
  const header = `Third-party software in dist/scim-sync.js (${packages.size} packages), each with its licence.`;
  writeFileSync(NOTICES, [header, ...sections].join(`\n\n${'='.repeat(78)}\n\n`) + '\n');
}

/**
 * zod exports the error messages of ~45 languages as `z.locales` (and `core.locales`), which keeps
 * all of them in the bundle: 392 KB of its 4.2 MB, parsed at every start (~10 ms) for messages
 * scim-sync never shows (it words its own; zod's default English ones come from `locales/en.js`,
 * which its schemas import directly and which stays). Only those two re-exports are cut, to an
 * empty namespace; test/cli/bundle.test.ts checks that English is in and the others are out.
 */
function zodEnglishOnly() {
  const reexporters = /node_modules\/zod\/v4\/(?:classic\/external|core\/index)\.js$/;
  return {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        reexporters.test(args.importer.replaceAll('\\', '/')) ? { path: 'zod-locales-not-bundled', namespace: 'zod-english-only' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
}

function fail(message) {
  process.stderr.write(`scripts/bundle.mjs: ${message}\n`);
  process.exit(1);
}
