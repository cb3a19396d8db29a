// The one thing the tests take from `cloudflare:workers`. Declared here because this project
// type-checks against the DOM lib, not the full Workers globals (@cloudflare/workers-types),
// whose Request, Response and TextDecoder clash with it.
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}
