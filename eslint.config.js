// One linter and formatter for the whole tree: neostandard (the fastify ecosystem's style) with TypeScript.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**', 'coverage/**'] }),
  {
    rules: {
      // A TypeBox schema and the type derived from it share one name on purpose (`User` value and type).
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
