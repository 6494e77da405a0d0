export * from "./sync-order-to-erp"
export * from "./cancel-order-in-erp"
export * from "./outcome"
export * from "./apply-erp-sale-update"
