import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IEventBusModuleService } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import type { EmitEventsBodyType } from "./validators"

/**
 * POST /admin/dev/events — emits events through the event bus (Modules.EVENT_BUS), in the order given: the fault
 * suite (`npm run faults`) re-delivers `order.placed` with it, out of order, as an at-least-once bus would.
 * Exists only when the store runs with DEMO_DEV_EVENTS=true; anywhere else it answers 404, as if there were no
 * such route. Admin users only, like every /admin route.
 */
export async function POST(req: MedusaRequest<EmitEventsBodyType>, res: MedusaResponse) {
  if (process.env.DEMO_DEV_EVENTS !== "true") throw new MedusaError(MedusaError.Types.NOT_FOUND, "Not found")
  const eventBus = req.scope.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
  const { events } = req.validatedBody
  await eventBus.emit(events.map(({ name, data }) => ({ name, data })))
  res.json({ emitted: events.length })
}
