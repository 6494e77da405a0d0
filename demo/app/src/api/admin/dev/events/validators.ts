import { z } from "@medusajs/framework/zod"

/** Events to emit through the store's event bus, as its own modules would: a name and its payload each. */
export const EmitEventsBody = z
  .object({
    events: z.array(z.object({ name: z.string().min(1), data: z.record(z.string(), z.unknown()) }).strict()).min(1).max(500),
  })
  .strict()
export type EmitEventsBodyType = z.infer<typeof EmitEventsBody>
