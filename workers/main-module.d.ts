/**
 * The Worker's main module and Durable Object classes as the platform types them (`ctx.exports`,
 * `cloudflare:test`'s `exports`). Kept apart from env.ts: a declaration that names the entry module
 * is no import of the code, so the layering test's import graph stays a tree.
 */
declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "SymbolAgent" | "Coordinator" | "Notifier";
    }
  }
}

export {};
