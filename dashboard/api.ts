/**
 * The dashboard's API client: same-origin `fetch` with the bearer token in the Authorization
 * header (never in the URL), JSON in and out, and the API's error shape turned into
 * {@link ApiFailure}. A 401 calls `onUnauthorized` so the page can forget the token.
 * @module
 */
import type { ErrorBody } from "./api-types";

/** A request the API answered with an error (or that never got an answer: status 0). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Options of {@link createApi}. */
export interface ApiOptions {
  /** The current token (null: not signed in). */
  readonly token: () => string | null;
  /** Called on every 401. */
  readonly onUnauthorized: () => void;
  /** The fetch to use (tests pass a stub). */
  readonly fetch?: typeof fetch;
}

/** The client: `get` and `send` resolve to the parsed JSON or reject with {@link ApiFailure}. */
export interface Api {
  get<T>(path: string): Promise<T>;
  /** `ifMatch`: the config version the change is based on (sent as `If-Match`; a stale one answers 412). */
  send<T>(method: "POST" | "PATCH" | "PUT", path: string, body?: unknown, ifMatch?: string): Promise<T>;
}

/** Creates the client. */
export function createApi(options: ApiOptions): Api {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const request = async <T>(method: string, path: string, body?: unknown, ifMatch?: string): Promise<T> => {
    const token = options.token();
    if (token === null) throw new ApiFailure(401, "unauthorized", "Not signed in");
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiFailure(0, "network", `The dashboard could not reach the Worker: ${(err as Error).message}`);
    }
    const json: unknown = await res.json().catch(() => null);
    if (res.ok) return json as T;
    if (res.status === 401) options.onUnauthorized();
    const error = (json as ErrorBody | null)?.error;
    throw new ApiFailure(
      res.status,
      error?.code ?? `http_${res.status}`,
      error?.message ?? `HTTP ${res.status}`,
      error?.details,
    );
  };
  return {
    get: (path) => request("GET", path),
    send: (method, path, body, ifMatch) => request(method, path, body, ifMatch),
  };
}
