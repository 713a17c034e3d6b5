// The page's files, all served by the API itself (no CDN): the HTML shell and stylesheet as written, the
// page script bundled from its TypeScript by esbuild, and uPlot from its npm package. Each is read on its
// first request and kept in memory, since they only change with a deployment.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The page's sources; a built image must carry this folder next to the compiled dashboard module. */
export const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url))

const resolvePackageFile = createRequire(import.meta.url).resolve

export interface Asset {
  /** Path under /dashboard/assets/, or '' for the page itself at /dashboard. */
  name: string
  contentType: string
  load (): Promise<string>
}

async function bundlePageScript (): Promise<string> {
  const result = await build({
    entryPoints: [join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    // Bundling needs no compiler settings (tsc type-checks the page with its own tsconfig); an empty one
    // also keeps esbuild from looking for that file, which need not exist where the API runs.
    tsconfigRaw: {}
  })
  const [output] = result.outputFiles
  if (output === undefined) throw new Error('esbuild produced no output for the dashboard script')
  return output.text
}

const readText = (path: string) => async () => readFile(path, 'utf8')

const SOURCES: readonly Asset[] = [
  { name: '', contentType: 'text/html; charset=utf-8', load: readText(join(PAGE_DIR, 'index.html')) },
  { name: 'style.css', contentType: 'text/css; charset=utf-8', load: readText(join(PAGE_DIR, 'style.css')) },
  { name: 'main.js', contentType: 'text/javascript; charset=utf-8', load: bundlePageScript },
  { name: 'uPlot.iife.min.js', contentType: 'text/javascript; charset=utf-8', load: readText(resolvePackageFile('uplot/dist/uPlot.iife.min.js')) },
  { name: 'uPlot.min.css', contentType: 'text/css; charset=utf-8', load: readText(resolvePackageFile('uplot/dist/uPlot.min.css')) }
]

/** The assets, each loading once; a failed load is forgotten so the next request tries again. */
export function pageAssets (): Asset[] {
  return SOURCES.map((source) => {
    let loaded: Promise<string> | undefined
    return {
      ...source,
      load () {
        loaded ??= source.load().catch((error: unknown) => {
          loaded = undefined
          throw error
        })
        return loaded
      }
    }
  })
}
