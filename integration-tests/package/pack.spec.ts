import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { builtinModules } from "node:module"
import os from "node:os"
import path from "node:path"

// What `npm publish` would ship: built once, listed by `npm pack --dry-run`. Each assertion lists the offending paths.
jest.setTimeout(120_000)

const ROOT = path.resolve(__dirname, "..", "..")
const SERVER = ".medusa/server/src"
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string
  exports: Record<string, string | Record<string, string>>
  dependencies?: Record<string, string>
  peerDependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** What a third-party provider package imports from the hub (README "Extend"). */
const PUBLIC_ENTRIES = ["providers/types", "providers/validate-options", "lib/errors", "lib/webhooks/signatures"]

describe("the npm package", () => {
  let files: string[]

  beforeAll(async () => {
    const { buildPlugin, PREBUILT, run } = await import("../../scripts/demo-store.mjs")
    if (!PREBUILT) buildPlugin()
    const [packed] = JSON.parse(run("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT })) as Array<{ files: Array<{ path: string }> }>
    files = packed.files.map((f) => f.path).sort()
  })

  it("ships the module, admin bundle, providers, workflows and the public entries' declarations", () => {
    const required = [
      `${SERVER}/modules/integration-hub/index.js`,
      `${SERVER}/admin/index.js`,
      `${SERVER}/admin/index.mjs`,
      `${SERVER}/providers/erp-sandbox/index.js`,
      `${SERVER}/providers/erp-tryton/index.js`,
      `${SERVER}/workflows/index.js`,
      `${SERVER}/workflows/index.d.ts`,
      ...PUBLIC_ENTRIES.flatMap((entry) => [`${SERVER}/${entry}.js`, `${SERVER}/${entry}.d.ts`]),
    ]
    expect(required.filter((file) => !files.includes(file))).toEqual([])
  })

  it("every exact `exports` target is in the package", () => {
    const targets = Object.entries(pkg.exports)
      .filter(([key]) => !key.includes("*"))
      .flatMap(([, target]) => (typeof target === "string" ? [target] : Object.values(target)))
      .map((target) => target.replace(/^\.\//, ""))
    expect(targets.filter((target) => !files.includes(target))).toEqual([])
  })

  it("ships no tests, fixtures, TypeScript sources, env files or anything outside the build", () => {
    const forbidden: Array<[string, RegExp]> = [
      ["test folder", /(^|\/)__tests__\//],
      ["spec file", /\.spec\./],
      ["fixture", /(^|\/)fixtures?\//],
      ["TypeScript source", /(?<!\.d)\.[cm]?tsx?$/],
      ["env file", /(^|\/)\.env/],
      ["outside the build", new RegExp(`^(?!${SERVER.replace(/\./g, "\\.")}/|package\\.json$|README\\.md$|LICENSE)`)],
    ]
    const wrong = files.flatMap((file) => forbidden.filter(([, re]) => re.test(file)).map(([why]) => `${file} (${why})`))
    expect(wrong).toEqual([])
  })

  it("declares peers as ranges starting at the versions it is tested with", () => {
    const wrong = Object.entries(pkg.peerDependencies)
      .filter(([name, range]) => range !== `^${pkg.devDependencies[name]}`)
      .map(([name, range]) => `${name}: "${range}" (want "^${pkg.devDependencies[name]}")`)
    expect(wrong).toEqual([])
  })

  // skipLibCheck (what stores use) would turn an import that does not resolve inside them into a silent `any`.
  it("the shipped declarations import only shipped files, dependencies and peers", () => {
    // TypeScript names @medusajs/types (a dependency of @medusajs/framework, re-exported as @medusajs/framework/types)
    // when it infers the type of `Module(...)` / `ModuleProvider(...)`; npm hoists it next to the framework.
    const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies), "@medusajs/types"])
    const wrong = files
      .filter((file) => file.endsWith(".d.ts"))
      .flatMap((file) => {
        const text = readFileSync(path.join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
        const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1])
        return specifiers
          .filter((spec) => {
            if (spec.startsWith(".")) {
              const base = path.posix.join(path.posix.dirname(file), spec)
              return ![`${base}.d.ts`, `${base}/index.d.ts`].some((candidate) => files.includes(candidate))
            }
            if (spec.startsWith("node:") || builtinModules.includes(spec)) return false
            const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]
            return !allowed.has(name)
          })
          .map((spec) => `${file} imports "${spec}"`)
      })
    expect(wrong).toEqual([])
  })

  it("a provider package can import the public entries, with types, under node16 resolution", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mih-consumer-"))
    try {
      mkdirSync(path.join(dir, "node_modules"))
      symlinkSync(ROOT, path.join(dir, "node_modules", pkg.name))
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "acme-provider", private: true }))
      writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            module: "Node16", moduleResolution: "Node16", target: "ES2021", strict: true, noEmit: true,
            skipLibCheck: true,
            typeRoots: [path.join(ROOT, "node_modules", "@types")], types: ["node"],
          },
          files: ["provider.ts"],
        })
      )
      writeFileSync(
        path.join(dir, "provider.ts"),
        `import { assertProviderOptions } from "${pkg.name}/providers/validate-options"
import type { ErpProvider, ProviderDeps } from "${pkg.name}/providers/types"
import { IntegrationError } from "${pkg.name}/lib/errors"
import { verifyHmacSha256 } from "${pkg.name}/lib/webhooks/signatures"

export type Used = [typeof assertProviderOptions, ErpProvider, ProviderDeps, IntegrationError, typeof verifyHmacSha256]
`
      )
      const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: ROOT, encoding: "utf8" })
      expect(`${tsc.stdout}${tsc.stderr}`.trim()).toBe("")
      // Node itself resolves every public entry through `exports` to a file that exists.
      const script = `for (const s of ${JSON.stringify(PUBLIC_ENTRIES.map((e) => `${pkg.name}/${e}`))}) require.resolve(s)`
      const node = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" })
      expect(node.status === 0 ? "" : (node.stderr.split("\n").find((l) => /Error/.test(l)) ?? node.stderr)).toBe("")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
