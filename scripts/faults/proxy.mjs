// An HTTP fault proxy in front of the real Tryton ERP, for `npm run faults` (node:http only). Per request, drawn
// from a seeded PRNG: a 502/503 answer without forwarding, a hang (the request is taken and never answered; the
// socket is closed after `hangMs` to bound it), a 429 with Retry-After without forwarding, or a "lost answer"
// (forwarded, Tryton does the work and answers, then the client's socket is destroyed: an ambiguous failure).
// A 429 opens a Retry-After window: calls arriving inside it are answered 429 too, as a real rate limiter would,
// and counted apart: those arriving within IN_FLIGHT_MS of the 429 were on their way before the client could know
// of it; the later ones are calls a client honouring Retry-After would not have made. An outage cuts every connection for a while.
// `heal()` turns all faults off. The suite's own verification calls go to Tryton directly, never through here.
import http from "node:http"

/** A request arriving this soon after the 429 that opened a window was sent before the client had read that 429. */
export const IN_FLIGHT_MS = 100

/** The fault mix per request; what is left over (50 %) is forwarded untouched. */
export const DEFAULT_RATES = { error: 0.3, hang: 0.1, rateLimit: 0.05, lostAnswer: 0.05 }

/** mulberry32: a tiny seeded PRNG, so the fault sequence of a run is reproducible with the same seed. */
export function seededRandom(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Picks the fault for one request from a uniform draw, by cumulative rate; "pass" when none applies. */
function pickFault(draw, rates) {
  let edge = 0
  for (const kind of ["error", "hang", "rateLimit", "lostAnswer"]) {
    edge += rates[kind] ?? 0
    if (draw < edge) return kind
  }
  return "pass"
}

/** Reads a request or response body to the end. */
const readBody = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = []
    stream.on("data", (c) => chunks.push(c))
    stream.on("end", () => resolve(Buffer.concat(chunks)))
    stream.on("error", reject)
  })

/**
 * Starts the proxy on host:port in front of `target` (e.g. "http://127.0.0.1:8811"), healed (no faults) until
 * `enable()`. Returns its controls and counters.
 */
export async function startFaultProxy({ target, port, host = "127.0.0.1", seed = 1, rates = DEFAULT_RATES, hangMs = 60_000, retryAfterS = 1 }) {
  const upstream = new URL(target)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
  const random = seededRandom(seed)
  const sockets = new Set()
  const hangs = new Set()
  const counters = { requests: 0, passed: 0, error: 0, hang: 0, rateLimit: 0, rateLimitInFlight: 0, rateLimitInWindow: 0, lostAnswer: 0, outage: 0, upstreamFailed: 0 }
  let faulty = false
  let rateLimitedUntil = 0
  let rateLimitedSince = 0
  /** The outage under way: its end timer and the resolver of the promise `outage()` returned. */
  let outage = null

  const inOutage = () => outage !== null
  const endOutage = () => {
    if (!outage) return
    clearTimeout(outage.timer)
    const { resolve } = outage
    outage = null
    resolve()
  }

  /** Sends the request on to Tryton and resolves with its whole answer (the work is done once this resolves). */
  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, agent, headers: { ...req.headers, host: upstream.host } },
        (res) => readBody(res).then((data) => resolve({ status: res.statusCode, headers: res.headers, data }), reject)
      )
      out.on("error", reject)
      out.end(body)
    })

  /** A 429 with Retry-After (the seconds left of the window it opens or falls into), without forwarding. */
  const answer429 = (res) => {
    const now = Date.now()
    if (now >= rateLimitedUntil) {
      rateLimitedSince = now
      rateLimitedUntil = now + retryAfterS * 1000
    }
    const seconds = Math.max(1, Math.ceil((rateLimitedUntil - now) / 1000))
    res.writeHead(429, { "content-type": "text/plain", "retry-after": String(seconds) }).end("fault proxy: rate limited\n")
  }

  /** Keeps the request unanswered until the client gives up or `hangMs` passes. */
  const hang = (req) => {
    const timer = setTimeout(() => req.socket.destroy(), hangMs)
    hangs.add(timer)
    req.socket.once("close", () => {
      clearTimeout(timer)
      hangs.delete(timer)
    })
  }

  async function handle(req, res) {
    const body = await readBody(req)
    counters.requests++
    if (inOutage()) {
      counters.outage++
      return req.socket.destroy()
    }
    if (faulty && Date.now() < rateLimitedUntil) {
      if (Date.now() - rateLimitedSince < IN_FLIGHT_MS) counters.rateLimitInFlight++
      else counters.rateLimitInWindow++
      return answer429(res)
    }
    const fault = faulty ? pickFault(random(), rates) : "pass"
    if (fault === "error") {
      counters.error++
      const status = random() < 0.5 ? 502 : 503
      return res.writeHead(status, { "content-type": "text/plain" }).end(`fault proxy: injected ${status}\n`)
    }
    if (fault === "hang") {
      counters.hang++
      return hang(req)
    }
    if (fault === "rateLimit") {
      counters.rateLimit++
      return answer429(res)
    }
    let answer
    try {
      answer = await forward(req, body)
    } catch {
      counters.upstreamFailed++
      return res.writeHead(502, { "content-type": "text/plain" }).end("fault proxy: Tryton unreachable\n")
    }
    if (fault === "lostAnswer") {
      counters.lostAnswer++
      return req.socket.destroy()
    }
    counters.passed++
    const headers = { ...answer.headers }
    delete headers["transfer-encoding"]
    headers["content-length"] = String(answer.data.length)
    res.writeHead(answer.status, headers).end(answer.data)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy())
  })
  server.on("connection", (socket) => {
    if (inOutage()) {
      counters.outage++
      return socket.destroy()
    }
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve))

  return {
    url: `http://${host}:${port}`,
    /** A copy of the fault counters. */
    counters: () => ({ ...counters }),
    /** Faults on (phase "faults"). */
    enable() {
      faulty = true
    },
    /** Every fault off (phase "healed"), an outage included. */
    heal() {
      faulty = false
      rateLimitedUntil = 0
      endOutage()
    },
    /** Cuts every connection (new and open) for `ms`; resolves when the outage is over or healed. */
    outage(ms) {
      endOutage()
      return new Promise((resolve) => {
        outage = { resolve, timer: setTimeout(endOutage, ms) }
        for (const s of sockets) s.destroy()
      })
    },
    /** Stops listening and drops every connection. */
    async stop() {
      endOutage()
      for (const t of hangs) clearTimeout(t)
      for (const s of sockets) s.destroy()
      agent.destroy()
      await new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
