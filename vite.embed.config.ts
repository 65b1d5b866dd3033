import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { defineConfig, type Plugin } from 'vite';

/**
 * The host SDK: a separate library build into <dist>/embed/, next to the app that serves the widget.
 * TW_DIST moves the app's build folder (as `vite build --outDir`), so both builds land together.
 */
const root = import.meta.dirname;
const outDir = resolve(root, process.env.TW_DIST ?? 'dist', 'embed');
const entry = resolve(root, 'src/embed/sdk/index.ts');

/** Emits the SDK's declarations with tsc, plus the two published entry points. */
function declarations(): Plugin {
  return {
    name: 'typewriter-embed-dts',
    apply: 'build',
    closeBundle() {
      const typesDir = join(outDir, 'types');
      const program = ts.createProgram([entry], {
        declaration: true,
        emitDeclarationOnly: true,
        outDir: typesDir,
        // The SDK shares its checks with the widget, and those use the engine's limits from common/.
        rootDir: root,
        strict: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
        types: [],
      });
      const result = program.emit(undefined, (file, text) => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      });
      const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
      if (errors.length > 0) {
        const host = {
          getCanonicalFileName: (f: string) => f,
          getCurrentDirectory: () => root,
          getNewLine: () => '\n',
        };
        throw new Error(`SDK declarations failed:\n${ts.formatDiagnostics(errors, host)}`);
      }
      const types = (path: string) => `./${relative(outDir, join(typesDir, path)).replaceAll('\\', '/')}`;
      writeFileSync(
        join(outDir, 'typewriter-embed.d.ts'),
        `export * from '${types('src/embed/sdk/index')}';\n\n` +
          `declare global {\n  /** The script build's global. */\n` +
          `  var Typewriter: typeof import('${types('src/embed/sdk/index')}');\n}\n`,
      );
      writeFileSync(
        join(outDir, 'typewriter-embed-protocol.d.ts'),
        `export type * from '${types('src/embed/protocol')}';\n`,
      );
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [declarations()],
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: true,
    // index.ts reads import.meta.url only in the ESM build; the script build uses document.currentScript.
    rolldownOptions: { checks: { emptyImportMeta: false } },
    lib: {
      entry,
      name: 'Typewriter',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'es' ? 'typewriter-embed.mjs' : 'typewriter-embed.js'),
    },
  },
});
