import { defineMiddlewares, validateAndTransformBody } from "@medusajs/framework/http"
import { EmitEventsBody } from "./admin/dev/events/validators"

export default defineMiddlewares({
  routes: [
    // The benchmark's baseline route reads the raw body itself, like the hub's webhook route.
    { matcher: "/hooks/bare", methods: ["POST"], bodyParser: false },
    { matcher: "/admin/dev/events", methods: ["POST"], middlewares: [validateAndTransformBody(EmitEventsBody)] },
  ],
})
