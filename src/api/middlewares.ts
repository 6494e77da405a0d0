import { defineMiddlewares, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import {
  BulkRetrySyncRecordsBody, CheckPaymentDriftBody, ListConflictsQuery, EditSyncRecordBody, ImportInventoryBody, ListLogsQuery, ListPaymentDriftQuery, ListSyncRecordsQuery, ListWebhookEventsQuery, SandboxFailuresBody,
  SandboxStockBody,
  SandboxPaymentBody,
  FixDriftBody,
  ListDriftItemsQuery,
  StartBackfillBody,
  SwitchModeBody,
  PauseConnectionBody,
  ListQueueQuery,
  ExportQueueQuery,
  RetryQueueBody,
  IgnoreSyncRecordBody,
  ConnectionHistoryQuery,
  ListAlertsQuery,
  HealthReportQuery,
  CreateConnectionBody,
  UpdateConnectionBody,
} from "./admin/integrations/validators"

import { guardErpOwnedStock } from "./admin/inventory-guard"

export default defineMiddlewares({
  routes: [
    // Stock the ERP owns is changed in the ERP: Medusa's own routes that set stock levels refuse it (a conflict is recorded).
    ...[
      "/admin/inventory-items/:id/location-levels",
      "/admin/inventory-items/:id/location-levels/:location_id",
      "/admin/inventory-items/:id/location-levels/batch",
      "/admin/inventory-items/location-levels/batch",
    ].map((matcher) => ({ matcher, methods: ["POST" as const], middlewares: [guardErpOwnedStock] })),
    // Signatures are computed over the exact bytes: the webhook route reads the body itself, with a size limit.
    { matcher: "/hooks/integrations/:connection_id", methods: ["POST"], bodyParser: false },
    {
      matcher: "/admin/integrations/webhook-events",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListWebhookEventsQuery, { isList: true, defaults: ["id"], defaultLimit: 20 })],
    },
    {
      matcher: "/admin/integrations/logs",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListLogsQuery, { isList: true, defaults: ["id"], defaultLimit: 50 })],
    },
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
      matcher: "/admin/integrations/sync-records/:id/edit",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(EditSyncRecordBody)],
    },
    {
      matcher: "/admin/integrations/connections/:id/sandbox-failures",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(SandboxFailuresBody)],
    },
    {
      matcher: "/admin/integrations/connections/:id/sandbox-stock",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(SandboxStockBody)],
    },
    {
      matcher: "/admin/integrations/connections/:id/sandbox-payments",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(SandboxPaymentBody)],
    },
    {
      matcher: "/admin/integrations/payments/drift",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListPaymentDriftQuery, { isList: true, defaults: ["id"], defaultLimit: 20 })],
    },
    {
      matcher: "/admin/integrations/conflicts",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListConflictsQuery, { isList: true, defaults: ["id"], defaultLimit: 20 })],
    },
    {
      matcher: "/admin/integrations/inventory/import",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(ImportInventoryBody)],
    },
    { matcher: "/admin/integrations/backfills", methods: ["POST"], middlewares: [validateAndTransformBody(StartBackfillBody)] },
    { matcher: "/admin/integrations/connections/:id/mode", methods: ["POST"], middlewares: [validateAndTransformBody(SwitchModeBody)] },
    { matcher: "/admin/integrations/connections/:id/history", methods: ["GET"], middlewares: [validateAndTransformQuery(ConnectionHistoryQuery, {})] },
    { matcher: "/admin/integrations/reports/health", methods: ["GET"], middlewares: [validateAndTransformQuery(HealthReportQuery, {})] },
    { matcher: "/admin/integrations/alerts", methods: ["GET"], middlewares: [validateAndTransformQuery(ListAlertsQuery, {})] },
    { matcher: "/admin/integrations/queue", methods: ["GET"], middlewares: [validateAndTransformQuery(ListQueueQuery, {})] },
    { matcher: "/admin/integrations/queue/export", methods: ["GET"], middlewares: [validateAndTransformQuery(ExportQueueQuery, {})] },
    { matcher: "/admin/integrations/queue/retry", methods: ["POST"], middlewares: [validateAndTransformBody(RetryQueueBody)] },
    { matcher: "/admin/integrations/sync-records/:id/ignore", methods: ["POST"], middlewares: [validateAndTransformBody(IgnoreSyncRecordBody)] },
    { matcher: "/admin/integrations/connections/:id/pause", methods: ["POST"], middlewares: [validateAndTransformBody(PauseConnectionBody)] },
    { matcher: "/admin/integrations/connections", methods: ["POST"], middlewares: [validateAndTransformBody(CreateConnectionBody)] },
    { matcher: "/admin/integrations/connection-checks", methods: ["POST"], middlewares: [validateAndTransformBody(CreateConnectionBody)] },
    { matcher: "/admin/integrations/connections/:id", methods: ["POST"], middlewares: [validateAndTransformBody(UpdateConnectionBody)] },
    { matcher: "/admin/integrations/drift-items/:id/fix", methods: ["POST"], middlewares: [validateAndTransformBody(FixDriftBody)] },
    {
      matcher: "/admin/integrations/drift-items",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(ListDriftItemsQuery, { isList: true, defaults: ["id"], defaultLimit: 50 })],
    },
    {
      matcher: "/admin/integrations/payments/drift/check",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(CheckPaymentDriftBody)],
    },
  ],
})
