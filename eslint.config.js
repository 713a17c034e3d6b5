// One linter and formatter for the whole tree: neostandard (the fastify ecosystem's style) with TypeScript,
// plus the layering of src/: no import cycle, and no room importing one above it.
import { createNodeResolver } from 'eslint-plugin-import-x'
import neostandard from 'neostandard'

/**
 * The rooms of src/, each above the ones it may import. A room may import any room listed before it and
 * none after; `dev` (development tooling) and `cli` sit on top, and nothing in production imports `dev`.
 */
const ROOMS = ['domain', 'config', 'storage', 'recommender', 'catalog', 'http', 'kafka', 'gateway', 'consumer', 'dashboard', 'api', 'tools', 'dev', 'cli']
/** Rooms that are side by side: neither imports the other. */
const SIDE_BY_SIDE = { gateway: ['consumer'], consumer: ['gateway'], tools: ['api', 'gateway', 'consumer', 'dashboard'] }

const roomRules = ROOMS.map((room, level) => {
  const above = [...new Set([...ROOMS.slice(level + 1), ...(SIDE_BY_SIDE[room] ?? [])])]
  return {
    files: [`src/${room}/**/*.ts`],
    ignores: ['src/dashboard/page/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: above.map((other) => ({
          group: [`../${other}/*`, `../../${other}/*`, `../../../${other}/*`, `**/src/${other}/*`],
          message: `src/${room} may not import src/${other}: it sits above (see ROOMS in eslint.config.js).`
        }))
      }]
    }
  }
}).filter((config) => config.rules['no-restricted-imports'][1].patterns.length > 0)

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'coverage/**'] }),
  {
    rules: {
      // A TypeBox schema and the type derived from it share one name on purpose (`User` value and type).
      '@typescript-eslint/no-redeclare': 'off'
    }
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // Imports name their files with the .ts extension, so Node's own resolution finds them.
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] }
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
  },
  ...roomRules
]
