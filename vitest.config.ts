import { defineConfig } from 'vitest/config'

// Four tiers, one kit (__tests__/kit): `npm run test:unit` tests `src/` and needs no service, no network,
// no Java or Python, and no bundle; bundle runs `dist/` as a runner and `npx` do (its script builds
// first, so it never checks a stale bundle); integration starts a real Neo4j, moto and Cartography;
// runner runs the action under nektos/act on Node 24. `npm test` (scripts/test.sh) builds, then runs all four.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    setupFiles: ['__tests__/kit/setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['__tests__/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'bundle', include: ['__tests__/bundle/**/*.test.ts'], testTimeout: 180_000 } },
      { extends: true, test: { name: 'integration', include: ['__tests__/integration/**/*.test.ts'], testTimeout: 180_000 } },
      { extends: true, test: { name: 'runner', include: ['__tests__/runner/**/*.test.ts'], testTimeout: 300_000 } }
    ]
  }
})
