/** An instant as Odoo keeps datetimes: UTC, "YYYY-MM-DD HH:MM:SS". */
export const odooDateTime = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ")
