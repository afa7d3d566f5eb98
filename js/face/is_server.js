// `isServer`, as TanStack's query-core exports it: true where there is no `window` (Node,
// workers, a server render) or in Deno. The app router's `getQueryClient()` recipe asks it
// to make one client per request on the server and one for the page in the browser.
export const isServer = typeof window === 'undefined' || 'Deno' in globalThis;
