import { defineConfig } from 'vitest/config'

const ALL = [
  'functions/**/*.test.ts',
  'runtime/**/*.test.ts',
  'shared/**/*.test.ts',
  'test/**/*.test.ts',
]
/** Tests that stop or disrupt shared services run alone, after every other file. */
const FAULTS = ['test/**/*.faults.integration.test.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { LOG_LEVEL: 'silent' },
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ALL, exclude: FAULTS, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'faults', include: FAULTS, sequence: { groupOrder: 1 } } },
    ],
  },
})
