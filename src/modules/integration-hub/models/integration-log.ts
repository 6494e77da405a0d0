import { model } from "@medusajs/framework/utils"

/** One row per external call, in or out; bodies are stored redacted. */
export const IntegrationLog = model
  .define("integration_log", {
    id: model.id({ prefix: "ilog" }).primaryKey(),
    connection_id: model.text(),
    direction: model.enum(["in", "out"]),
    /** Our name of the call, e.g. "model.sale.sale.create". */
    operation: model.text(),
    status: model.enum(["success", "error"]),
    http_status: model.number().nullable(),
    duration_ms: model.number(),
    sync_record_id: model.text().nullable(),
    entity_type: model.text().nullable(),
    entity_id: model.text().nullable(),
    external_id: model.text().nullable(),
    attempt: model.number().nullable(),
    /** Redacted request summary: no credentials, no personal data. */
    request: model.json().nullable(),
    /** Redacted response summary. */
    response: model.json().nullable(),
    error: model.text().nullable(),
    /** The workflow step that made the call, e.g. "ensure-erp-customer". */
    step: model.text().nullable(),
    /** True when the call undid the step's effect (compensation). */
    compensation: model.boolean().default(false),
  })
  .indexes([
    { on: ["connection_id", "direction", "created_at"] },
    { on: ["sync_record_id"], where: "sync_record_id IS NOT NULL" },
    // The console's call log, newest first across connections.
    { on: ["created_at"] },
  ])
