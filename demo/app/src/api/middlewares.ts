import { defineMiddlewares } from "@medusajs/framework/http"

// The benchmark's baseline route reads the raw body itself, like the hub's webhook route.
export default defineMiddlewares({ routes: [{ matcher: "/hooks/bare", methods: ["POST"], bodyParser: false }] })
