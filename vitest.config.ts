import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'functions/**/*.test.ts',
      'runtime/**/*.test.ts',
      'shared/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { LOG_LEVEL: 'silent' },
  },
})
