import { defineMiddlewares, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { BulkRetrySyncRecordsBody, ListSyncRecordsQuery, SandboxFailuresBody } from "./admin/integrations/validators"

export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/integrations/sync-records",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListSyncRecordsQuery, { isList: true, defaults: ["id"], defaultLimit: 20 })],
    },
    {
      matcher: "/admin/integrations/sync-records/retry",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(BulkRetrySyncRecordsBody)],
    },
    {
      matcher: "/admin/integrations/connections/:id/sandbox-failures",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(SandboxFailuresBody)],
    },
  ],
})
