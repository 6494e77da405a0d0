// The hub's HTTP routes as README.md documents them, for `npm run compat` to call on a store installed from the
// tarball: every row of the "### Admin API" table, plus every other `METHOD /admin/integrations/…` or
// `METHOD /hooks/integrations/…` the README names (the webhook route, the cutover routes). A newly documented
// route is covered without touching the script.

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE) (\/(?:admin|hooks)\/integrations\/[^\s?`]*)/
const MENTION = /`((?:GET|POST|PUT|PATCH|DELETE) \/(?:admin|hooks)\/integrations\/[^`]*)`/g

/** `GET /admin/integrations/logs?connection_id=…` → { method, route: "/admin/integrations/logs" }; `<id>` reads as `:id`. */
function parseRoute(text) {
  const match = ROUTE.exec(text)
  return match && { method: match[1], route: match[2].replace(/<(\w+)>/g, ":$1") }
}

/** The route column of the "### Admin API" table; throws when the table is missing or a row is not `METHOD /path`. */
function adminApiTable(readme) {
  const section = readme.split(/^### Admin API$/m)[1]?.split(/^#{1,3} /m)[0]
  if (!section) throw new Error('README.md has no "### Admin API" section')
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !/^\| (route|---) /.test(line))
  if (!rows.length) throw new Error('README.md\'s "### Admin API" section has no route table')
  return rows.map((row) => {
    const cell = /^\| `([^`]+)`/.exec(row)?.[1]
    const route = cell && parseRoute(cell)
    if (!route) throw new Error(`README.md's Admin API table: a row whose route is not \`METHOD /admin/integrations/…\`: ${row.slice(0, 80)}`)
    return route
  })
}

/** Every documented route once, the Admin API table's first, in the README's order. */
export function documentedRoutes(readme) {
  const routes = new Map()
  const mentions = [...readme.matchAll(MENTION)].map((m) => parseRoute(m[1])).filter(Boolean)
  for (const r of [...adminApiTable(readme), ...mentions]) routes.set(`${r.method} ${r.route}`, r)
  return [...routes.values()]
}
