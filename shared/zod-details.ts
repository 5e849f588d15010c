/** Turns a zod error into the `details` of an INVALID_REQUEST error: one entry per problem. */
import type { z } from 'zod'

export interface FieldProblem {
  path: string
  message: string
}

/** `where` names the value checked when the problem is at its root (default: the body). */
export function zodDetails(error: z.ZodError, where = '(body)'): { problems: FieldProblem[] } {
  return {
    problems: error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || where,
      message: issue.message,
    })),
  }
}
