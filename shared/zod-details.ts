/** Turns a zod error into the `details` of an INVALID_REQUEST error: one entry per problem. */
import type { z } from 'zod'

export interface FieldProblem {
  path: string
  message: string
}

export function zodDetails(error: z.ZodError): { problems: FieldProblem[] } {
  return {
    problems: error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    })),
  }
}
