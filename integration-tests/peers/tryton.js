// The real Tryton ERP for tests (Debian's tryton-server 6.0 LTS), started and seeded here.
// A seeded SQLite template is built once per machine and copied fresh for every run.
const { spawn, execFileSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

const ROOT = process.env.TRYTON_TEST_DIR || "/tmp/mih-tryton"
const TEMPLATE = path.join(ROOT, "template")
/** Builds the template on its own port so it never meets a running server. */
const TEMPLATE_PORT = 8764
const DB = "shop"
const USER = "admin"
const PASSWORD = process.env.TRYTON_TEST_PASSWORD || "tryton-test-Pa55"

/** Bumped whenever seed() changes: a template built by an older seed is built again. */
const YEAR = new Date().getUTCFullYear()
const TEMPLATE_VERSION = `3: chart of accounts, taxes, fiscal years ${YEAR}-${YEAR + 1}, invoice payment method`

/** Taxes of the seeded chart, by name, and the rate Tryton applies (a Medusa tax rate maps to one by name). */
const TAXES = [
  { name: "VAT 20%", rate: "0.20" },
  { name: "VAT 10%", rate: "0.10" },
  { name: "State 6%", rate: "0.06" },
  { name: "City 2.5%", rate: "0.025" },
]

/** Products every test can order, by SKU. */
const PRODUCTS = [
  { sku: "SHIRT-BLUE", name: "Blue shirt", price: "20.00", stock: 100 },
  { sku: "MUG-RED", name: "Red mug", price: "9.50", stock: 50 },
]

function available() {
  try {
    execFileSync("sh", ["-c", "command -v trytond && command -v trytond-admin"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

function writeConfig(dir, port) {
  fs.mkdirSync(path.join(dir, "db"), { recursive: true })
  fs.writeFileSync(
    path.join(dir, "trytond.conf"),
    `[database]\nuri = sqlite://\npath = ${path.join(dir, "db")}\n[web]\nlisten = 127.0.0.1:${port}\n[session]\nmax_attempt = 1000\n`
  )
  return path.join(dir, "trytond.conf")
}

async function rpc(url, method, params, auth) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ id: 1, method, params }),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status}`)
  const body = JSON.parse(text)
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error).slice(0, 500)}`)
  return body.result
}

/** A logged-in JSON-RPC session as the tests' own view into Tryton (independent of the adapter). */
async function session(url) {
  const [uid, token] = await rpc(url, "common.db.login", [USER, { password: PASSWORD }, "en"])
  const auth = `Session ${Buffer.from(`${USER}:${uid}:${token}`).toString("base64")}`
  let context = await rpc(url, "model.res.user.get_preferences", [true, {}], auth)
  const model = (name, method, ...args) => rpc(url, `model.${name}.${method}`, [...args, context], auth)
  const modelWith = (extra, name, method, ...args) =>
    rpc(url, `model.${name}.${method}`, [...args, { ...context, ...extra }], auth)
  /**
   * Runs a wizard through `states` ([state, data] pairs in order; data may be a function of the previous answer),
   * deleting it afterwards; returns each answer.
   */
  const wizard = async (name, extraContext, states) => {
    const ctx = { ...context, ...extraContext }
    const [sid] = await rpc(url, `wizard.${name}.create`, [ctx], auth)
    try {
      const answers = []
      for (const [state, data] of states) {
        const values = typeof data === "function" ? data(answers.at(-1)) : data
        answers.push(await rpc(url, `wizard.${name}.execute`, [sid, values, state, ctx], auth))
      }
      return answers
    } finally {
      await rpc(url, `wizard.${name}.delete`, [sid, ctx], auth).catch(() => undefined)
    }
  }
  return {
    model,
    modelWith,
    wizard,
    refreshContext: async () => {
      context = await rpc(url, "model.res.user.get_preferences", [true, {}], auth)
    },
  }
}

function startServer(dir) {
  const log = fs.openSync(path.join(dir, "server.log"), "a")
  const child = spawn("trytond", ["-c", path.join(dir, "trytond.conf"), "-d", DB], {
    detached: true,
    stdio: ["ignore", log, log],
  })
  child.unref()
  return child.pid
}

async function waitUntilUp(url, ms = 30_000) {
  const until = Date.now() + ms
  for (;;) {
    try {
      await rpc(url, "common.db.login", [USER, { password: PASSWORD }, "en"])
      return
    } catch (err) {
      if (Date.now() > until) throw new Error(`Tryton did not come up at ${url}: ${err.message}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

const D = (v) => ({ __class__: "Decimal", decimal: String(v) })
const DATE = (year, month, day) => ({ __class__: "date", year, month, day })

async function seed(url) {
  const s = await session(url)
  const [usd] = await s.model("currency.currency", "create", [{ name: "US Dollar", symbol: "$", code: "USD", rounding: D("0.01"), digits: 2 }])
  const [companyParty] = await s.model("party.party", "create", [{ name: "Hub Test Company" }])
  const [company] = await s.model("company.company", "create", [{ party: companyParty, currency: usd }])
  await s.model("res.user", "write", [1], { companies: [["add", [company]]], company })
  await s.refreshContext()
  const { category } = await seedAccounting(s, company)
  const [unit] = await s.model("ir.model.data", "search_read", [["module", "=", "product"], ["fs_id", "=", "uom_unit"]], 0, 1, null, ["db_id"])
  const [supplier] = await s.model("stock.location", "search", [["type", "=", "supplier"]], 0, 1, null)
  const [storage] = await s.model("stock.location", "search", [["code", "=", "STO"]], 0, 1, null)
  for (const p of PRODUCTS) {
    await s.model("product.template", "create", [{
      name: p.name, type: "goods", default_uom: unit.db_id, salable: true, sale_uom: unit.db_id,
      list_price: D(p.price), account_category: category, products: [["create", [{ suffix_code: p.sku }]]],
    }])
    const [product] = await s.model("product.product", "search", [["code", "=", p.sku]], 0, 1, null)
    const [move] = await s.model("stock.move", "create", [{
      product, from_location: supplier, to_location: storage, quantity: p.stock, uom: unit.db_id,
      unit_price: D(p.price), currency: usd, company,
    }])
    await s.model("stock.move", "do", [move])
  }
}

/**
 * The company's chart of accounts from Tryton's "Minimal Account Chart" (wizard account.create_chart, which also
 * sets the default receivable, payable, revenue and expense accounts) and the TAXES on its tax account.
 */
async function seedAccounting(s, company) {
  const [chart] = await s.model("account.account.template", "search", [["name", "=", "Minimal Account Chart"], ["parent", "=", null]], 0, 1, null)
  // The properties step sends back the defaults the wizard proposes (display keys, ending in ".", dropped).
  const withoutDisplayKeys = (values) => Object.fromEntries(Object.entries(values ?? {}).filter(([k]) => !k.endsWith(".")))
  await s.wizard("account.create_chart", {}, [
    ["account", { start: {} }],
    ["create_account", { account: { company, account_template: chart } }],
    ["create_properties", (answer) => ({ properties: { ...withoutDisplayKeys(answer?.view?.defaults), company } })],
  ])
  const account = async (name) => (await s.model("account.account", "search", [["name", "=", name]], 0, 1, null))[0]
  const taxAccount = await account("Main Tax")
  for (const tax of TAXES) {
    await s.model("account.tax", "create", [{
      name: tax.name, description: tax.name, type: "percentage", rate: D(tax.rate), company,
      invoice_account: taxAccount, credit_note_account: taxAccount,
    }])
  }
  // Invoices need an open fiscal year with its sequences: this year and the next, so the template outlives New Year.
  const typeId = async (module, fsId) => (await s.model("ir.model.data", "search_read", [["module", "=", module], ["fs_id", "=", fsId]], 0, 1, null, ["db_id"]))[0].db_id
  const moveType = await typeId("account", "sequence_type_account_move")
  const invoiceType = await typeId("account_invoice", "sequence_type_account_invoice")
  for (const year of [YEAR, YEAR + 1]) {
    const [moves] = await s.model("ir.sequence", "create", [{ name: `Moves ${year}`, sequence_type: moveType, company }])
    const strict = async (name) => (await s.model("ir.sequence.strict", "create", [{ name: `${name} ${year}`, sequence_type: invoiceType, company }]))[0]
    const [fiscalYear] = await s.model("account.fiscalyear", "create", [{
      name: String(year), start_date: DATE(year, 1, 1), end_date: DATE(year, 12, 31), company, post_move_sequence: moves,
      invoice_sequences: [["create", [{
        company,
        out_invoice_sequence: await strict("Customer invoices"), out_credit_note_sequence: await strict("Customer credit notes"),
        in_invoice_sequence: await strict("Supplier invoices"), in_credit_note_sequence: await strict("Supplier credit notes"),
      }]]],
    }])
    await s.model("account.fiscalyear", "create_period", [fiscalYear])
  }
  const [cashJournal] = await s.model("account.journal", "search", [["type", "=", "cash"]], 0, 1, null)
  const cash = await account("Main Cash")
  await s.model("account.invoice.payment.method", "create", [{ name: "Medusa payments", company, journal: cashJournal, credit_account: cash, debit_account: cash }])
  const [category] = await s.model("product.category", "create", [{
    name: "Goods", accounting: true, account_revenue: await account("Main Revenue"), account_expense: await account("Main Expense"),
  }])
  return { category }
}

/** Builds the seeded template once (~20 s), then every start is a copy plus ~2 s of server boot. */
async function ensureTemplate() {
  const marker = path.join(TEMPLATE, "ready")
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").startsWith(TEMPLATE_VERSION)) return
  fs.rmSync(TEMPLATE, { recursive: true, force: true })
  const conf = writeConfig(TEMPLATE, TEMPLATE_PORT)
  fs.writeFileSync(path.join(TEMPLATE, "db", `${DB}.sqlite`), "")
  fs.writeFileSync(path.join(TEMPLATE, "pass"), `${PASSWORD}\n`)
  const env = { ...process.env, TRYTONPASSFILE: path.join(TEMPLATE, "pass") }
  const opts = { env, stdio: ["ignore", "ignore", "pipe"] }
  execFileSync("trytond-admin", ["-c", conf, "-d", DB, "--all", "--email", "admin@example.com"], opts)
  execFileSync("trytond-admin", ["-c", conf, "-d", DB, "-u", "sale", "stock", "product", "--activate-dependencies"], opts)
  const pid = startServer(TEMPLATE)
  try {
    const url = `http://127.0.0.1:${TEMPLATE_PORT}/${DB}/`
    await waitUntilUp(url)
    await seed(url)
  } finally {
    process.kill(-pid, "SIGTERM")
    await new Promise((r) => setTimeout(r, 500))
  }
  fs.writeFileSync(marker, `${TEMPLATE_VERSION}\n${new Date().toISOString()}`)
}

/** One Tryton server on `port`, with its own copy of the template database. */
function peer({ port = Number(process.env.TRYTON_TEST_PORT || 8765) } = {}) {
  const run = path.join(ROOT, `run-${port}`)
  const stateFile = path.join(run, "state.json")
  const readState = () => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : null)
  const writeState = (state) => fs.writeFileSync(stateFile, JSON.stringify(state))

  /** Stops the server (the database stays): used to simulate an ERP outage. */
  function stop() {
    const state = readState()
    if (!state?.pid) return
    try {
      process.kill(-state.pid, "SIGTERM")
    } catch {}
    writeState({ ...state, pid: null })
  }

  return {
    port,
    readState,
    stop,
    /** Starts Tryton on a fresh copy of the template (or, with `reuse`, on the database of the last run). */
    async start({ reuse = false } = {}) {
      await ensureTemplate()
      stop()
      const db = path.join(run, "db", `${DB}.sqlite`)
      if (!reuse || !fs.existsSync(db)) {
        fs.rmSync(run, { recursive: true, force: true })
        writeConfig(run, port)
        fs.copyFileSync(path.join(TEMPLATE, "db", `${DB}.sqlite`), db)
      }
      const state = {
        url: `http://127.0.0.1:${port}`,
        database: DB,
        username: USER,
        password: PASSWORD,
        dir: run,
        pid: startServer(run),
        products: PRODUCTS,
      }
      writeState(state)
      await waitUntilUp(`${state.url}/${DB}/`)
      return state
    },
    /** Stops the server and waits until its port refuses connections. */
    async stopAndWait() {
      const state = readState()
      stop()
      if (state) await waitUntilDown(`${state.url}/`)
    },
    /** Starts the server again on the same database after `stop()`. */
    async restart() {
      const state = readState()
      if (!state) throw new Error("Tryton was never started")
      writeState({ ...state, pid: startServer(state.dir) })
      await waitUntilUp(`${state.url}/${DB}/`)
    },
    /** A JSON-RPC session of the tests' own, independent of the adapter. */
    session: () => session(`${readState().url}/${DB}/`),
  }
}

async function waitUntilDown(url, ms = 10_000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      await fetch(url, { method: "POST", body: "{}" })
    } catch {
      return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error("Tryton did not stop")
}

module.exports = { available, peer, PRODUCTS, TAXES, ...peer() }
