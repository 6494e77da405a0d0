import { model } from "@medusajs/framework/utils"

/**
 * The ERP's stock of one SKU at one Medusa stock location, as the last import read it and what it set in Medusa.
 * A row marks the level as the ERP's (sourceOfTruth.inventory): staff's edits of it in the admin are refused and
 * recorded as conflicts. SKUs the ERP does not know have no row, and stay Medusa's to edit.
 */
export const ErpStockLevel = model
  .define("erp_stock_level", {
    id: model.id({ prefix: "iesl" }).primaryKey(),
    connection_id: model.text(),
    location_id: model.text(),
    sku: model.text(),
    inventory_item_id: model.text(),
    /** The ERP's forecast (what it can still promise). */
    forecast: model.number(),
    /** Medusa's reservations the ERP already counted then. */
    counted_reserved: model.number(),
    /** What the import set Medusa's stocked quantity to. */
    stocked: model.number(),
    imported_at: model.dateTime(),
  })
  .indexes([
    { on: ["connection_id", "location_id", "sku"], unique: true, where: "deleted_at IS NULL" },
    { on: ["inventory_item_id", "location_id"], where: "deleted_at IS NULL" },
  ])
