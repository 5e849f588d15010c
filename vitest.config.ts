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
    // expect.poll waits up to 10 s, not vitest's 1 s: on a loaded two-core machine a browser
    // round trip (click, API call, re-render) can take longer than a second, and a poll that
    // passes returns as soon as it does.
    expect: { poll: { timeout: 10_000 } },
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
