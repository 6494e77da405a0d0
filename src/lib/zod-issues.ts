import type { z } from "@medusajs/framework/zod"

/** "connections[0].options.url" from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`
    return acc ? `${acc}.${String(part)}` : String(part)
  }, "")
}

/** Zod issues as one line each: `path: message`, with "Required" for missing values. */
export function formatIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return error.issues.map((issue) => `${formatPath([...prefix, ...issue.path]) || "(root)"}: ${issue.message}`)
}

/** Parses with zod, reporting a missing value as "Required" as Medusa users know it. */
export function safeParseWithRequired<T extends z.ZodType>(schema: T, input: unknown) {
  return schema.safeParse(input, {
    error: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "Required" : undefined),
  })
}
