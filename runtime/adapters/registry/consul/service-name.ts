/**
 * Consul service names for functions. Function names (`billing.create-invoice`) hold a dot,
 * which Consul's DNS interface reads as a label separator, so a service is named with the
 * dot written as `--` (`billing--create-invoice`): lower-case letters, digits and dashes only,
 * valid as one DNS label. Function names are kebab-case and never hold `--` themselves, so
 * the mapping is one-to-one; the original name also travels in the service's Meta.
 */

/** Meta key holding the function's own name. */
export const FUNCTION_META = 'oms-function'

/** `billing.create-invoice` → `billing--create-invoice`. */
export function serviceNameOf(functionName: string): string {
  return functionName
    .toLowerCase()
    .replaceAll('.', '--')
    .replace(/[^a-z0-9-]/g, '-')
}
