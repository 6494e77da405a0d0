/**
 * `text` for a LIKE/ILIKE pattern that matches only itself: its `\`, `%` and `_` escaped with a backslash, the
 * escape character of PostgreSQL (Odoo) and of the ESCAPE clause Tryton's SQL builder adds on every backend.
 */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * What identifies a customer's e-mail: trimmed, in lower case. The hub locks per e-mail by it and every ERP finds
 * the customer by it, so "Ana@Example.com" and "ana@example.com" are one customer.
 */
export const emailKey = (email: string) => email.trim().toLowerCase()
