/** Injected by Medusa's admin bundler: the backend the admin talks to. */
declare const __BACKEND_URL__: string | undefined
